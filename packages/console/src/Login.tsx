import { useState, type FormEvent } from 'react';
import { api } from './api.ts';
import type { Body, Staff } from './api/types.ts';

export function Login({ onSignedIn }: { onSignedIn: (s: Staff) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError('');
    try {
      const r = await api<Body<'/v1/session', 'post'>>('POST', '/v1/session', { username, password });
      onSignedIn(r.staff);
    } catch (err) {
      setError((err as Error).message);
    }
  }
  return (
    <form className="login" onSubmit={submit}>
      <h1>Vigil console</h1>
      <label>
        Username{' '}
        <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} />
      </label>
      <label>
        Password{' '}
        <input
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </label>
      <button type="submit">Sign in</button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
