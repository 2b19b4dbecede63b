// Small pieces the admin screens share (the console-wide ones are in ../ui.tsx).
import { useState } from 'react';
import { ApiError } from '../api.ts';
import { fieldErrors } from '../ui.tsx';
import './admin.css';

/**
 * Errors at their field: a 400's validation details by path, else a server sentence that names a field
 * ("username: …", "bank \"X\" already exists") goes to the field `guess` picks; anything else is general (`''`).
 */
export function errorsAt(e: unknown, guess: (message: string) => string | undefined): Record<string, string> {
  const byPath = fieldErrors(e);
  if (Object.keys(byPath).length) return Object.fromEntries(Object.entries(byPath).map(([k, v]) => [k, sentence(v)]));
  const message = e instanceof Error ? e.message : String(e);
  const field = e instanceof ApiError && e.status < 500 ? guess(message) : undefined;
  return { [field ?? '']: message };
}

const sentence = (s: string) => {
  const t = s.charAt(0).toUpperCase() + s.slice(1);
  return t.endsWith('.') ? t : `${t}.`;
};

/** A one-line outcome after an action: text and whether it is an error. */
export function useOutcome() {
  const [outcome, setOutcome] = useState<{ text: string; kind: 'ok' | 'error' }>({ text: '', kind: 'ok' });
  return {
    outcome,
    ok: (text: string) => setOutcome({ text, kind: 'ok' }),
    fail: (e: unknown) => setOutcome({ text: e instanceof Error ? e.message : String(e), kind: 'error' }),
    clear: () => setOutcome({ text: '', kind: 'ok' }),
  };
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString()} ${n === 1 ? one : many}`;
