// Platform API keys: what each may do (scopes), when it was last used, and revocation. A key's secret is
// shown once when it is made; the server keeps only a hash.
import { useState, type FormEvent } from 'react';
import { api } from '../api.ts';
import type { ApiKey, Body } from '../api/types.ts';
import { Confirm, Dialog, Field, FormButtons, Notice, Page, ShownOnce, Status, useLoad, when } from '../ui.tsx';
import { errorsAt, plural, useOutcome } from './common.tsx';

type Key = ApiKey;

const SCOPES: { value: string; label: string }[] = [
  { value: 'ingest', label: 'ingest — send events from the platform' },
  { value: 'read', label: 'read — look up hashes and read results' },
  { value: 'flag', label: 'flag — file flags from an outside organisation' },
  { value: 'exchange', label: 'exchange — let a peer pull shared banks' },
  { value: 'relay', label: 'relay — the reference messenger relay' },
];

export function KeysScreen() {
  const loaded = useLoad(() => api<Body<'/v1/api-keys'>>('GET', '/v1/api-keys'), []);
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<Key | null>(null);
  const [secret, setSecret] = useState<{ name: string; key: string } | null>(null);
  const [showRevoked, setShowRevoked] = useState(false);
  const { outcome, ok } = useOutcome();
  const all = loaded.data?.keys ?? [];
  const keys = showRevoked ? all : all.filter((k) => !k.revoked_at);
  const revokedCount = all.length - all.filter((k) => !k.revoked_at).length;

  return (
    <Page
      title="API keys"
      actions={
        <button onClick={() => setCreating(true)} aria-haspopup="dialog">
          New API key
        </button>
      }
    >
      <Notice text={outcome.text} kind={outcome.kind} />
      <Status
        loaded={loaded}
        empty={
          loaded.data && !keys.length
            ? all.length
              ? 'No active API keys.'
              : 'No API keys yet. A platform needs one with the ingest scope to send events.'
            : false
        }
      />
      <div className="filters">
        <p className="count">
          {plural(all.length - revokedCount, 'active key')}
          {revokedCount ? `, ${plural(revokedCount, 'revoked')}` : ''}
        </p>
        {revokedCount > 0 && (
          <label>
            <input type="checkbox" checked={showRevoked} onChange={(e) => setShowRevoked(e.target.checked)} /> Show
            revoked keys
          </label>
        )}
      </div>
      {keys.length > 0 && (
        <div className="table-wrap">
          <table className="data admin-table">
            <caption className="visually-hidden">API keys</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Platform</th>
                <th scope="col">Scopes</th>
                <th scope="col">Created</th>
                <th scope="col">Last use</th>
                <th scope="col">Status</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.id}>
                  <td>
                    <strong>{k.name}</strong>
                    <div className="muted small">vk_{k.id}_…</div>
                  </td>
                  <td>{k.platform}</td>
                  <td>{k.scopes.join(', ')}</td>
                  <td className="nowrap">{when(k.created_at)}</td>
                  <td className="nowrap">
                    {k.last_used_at ? when(k.last_used_at) : <span className="muted">Never</span>}
                  </td>
                  <td>
                    {k.revoked_at ? (
                      <span className="state bad">Revoked {when(k.revoked_at)}</span>
                    ) : (
                      <span className="state good">Active</span>
                    )}
                  </td>
                  <td className="actions-cell">
                    {!k.revoked_at && (
                      <button className="danger" aria-label={`Revoke ${k.name}`} onClick={() => setRevoking(k)}>
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {creating && (
        <CreateKey
          onClose={() => setCreating(false)}
          onCreated={(k) => {
            setCreating(false);
            setSecret(k);
            ok(`Key ${k.name} created.`);
            loaded.reload();
          }}
        />
      )}
      {revoking && (
        <Confirm
          title={`Revoke ${revoking.name}?`}
          confirm="Revoke key"
          danger
          onClose={() => setRevoking(null)}
          onConfirm={async () => {
            await api('DELETE', `/v1/api-keys/${revoking.id}`);
            ok(`Key ${revoking.name} is revoked.`);
            loaded.reload();
          }}
        >
          <p>
            Every request with this key is refused from now on ({revoking.platform}; {revoking.scopes.join(', ')}). This
            cannot be undone: make a new key instead.
          </p>
        </Confirm>
      )}
      {secret && <ShownOnce label={`API key ${secret.name}`} value={secret.key} onDone={() => setSecret(null)} />}
    </Page>
  );
}

function CreateKey({
  onClose,
  onCreated,
}: {
  onClose: () => void;
  onCreated: (k: { name: string; key: string }) => void;
}) {
  const [name, setName] = useState('');
  const [platform, setPlatform] = useState('default');
  const [scopes, setScopes] = useState<string[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problems: Record<string, string> = {};
    if (!name.trim()) problems.name = 'Give the key a name (what uses it).';
    if (!platform.trim()) problems.platform = 'Give the platform the key sends events for.';
    if (!scopes.length) problems.scopes = 'Choose at least one scope.';
    setErrors(problems);
    if (Object.keys(problems).length) return;
    setBusy(true);
    try {
      onCreated(
        await api<Body<'/v1/api-keys', 'post'>>('POST', '/v1/api-keys', {
          name: name.trim(),
          platform: platform.trim(),
          scopes,
        }),
      );
    } catch (err) {
      setErrors(errorsAt(err, () => undefined));
      setBusy(false);
    }
  };
  const scopeError = errors.scopes;
  return (
    <Dialog title="New API key" onClose={onClose}>
      <form className="admin-form" onSubmit={submit} noValidate>
        <Field label="Name" error={errors.name} hint="What uses the key, e.g. “chat backend”.">
          {(a) => <input {...a} name="name" value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field label="Platform" error={errors.platform}>
          {(a) => <input {...a} name="platform" value={platform} onChange={(e) => setPlatform(e.target.value)} />}
        </Field>
        <fieldset
          aria-describedby={scopeError ? 'scope-error' : undefined}
          aria-invalid={scopeError ? true : undefined}
        >
          <legend>Scopes</legend>
          {SCOPES.map((s) => (
            <label key={s.value}>
              <input
                type="checkbox"
                name="scopes"
                value={s.value}
                checked={scopes.includes(s.value)}
                onChange={(e) =>
                  setScopes((cur) => (e.target.checked ? [...cur, s.value] : cur.filter((x) => x !== s.value)))
                }
              />
              {s.label}
            </label>
          ))}
          {scopeError && (
            <span id="scope-error" className="error small">
              {scopeError}
            </span>
          )}
        </fieldset>
        <Notice text={errors[''] ?? ''} kind="error" />
        <FormButtons label="Create key" busyLabel="Creating…" busy={busy} onCancel={onClose} />
      </form>
    </Dialog>
  );
}
