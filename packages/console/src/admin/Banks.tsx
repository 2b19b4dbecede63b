// Hash banks: block banks (known imagery) and allow banks (known benign), with their entry counts. Leads and
// admins manage them (the server's access for banks); disabling a bank stops it matching at once.
import { useState, type FormEvent } from 'react';
import { api } from '../api.ts';
import type { Bank, Body } from '../api/types.ts';
import { Link } from '../link.tsx';
import { Confirm, Dialog, Field, FormButtons, Notice, Page, Status, useLoad, when } from '../ui.tsx';
import { errorsAt, plural, useOutcome } from './common.tsx';

export const kindLabel = (k: string) => (k === 'allow' ? 'Allow (known benign)' : 'Block (known imagery)');

export function BanksScreen() {
  const loaded = useLoad(() => api<Body<'/v1/banks'>>('GET', '/v1/banks'), []);
  const [creating, setCreating] = useState(false);
  const [disabling, setDisabling] = useState<Bank | null>(null);
  const { outcome, ok, fail, clear } = useOutcome();
  const banks = loaded.data?.banks ?? [];
  const enable = async (b: Bank) => {
    clear();
    try {
      await api('PATCH', `/v1/banks/${encodeURIComponent(b.name)}`, { enabled: true });
      ok(`${b.name} is enabled and matches again.`);
      loaded.reload();
    } catch (e) {
      fail(e);
    }
  };

  return (
    <Page
      title="Hash banks"
      actions={
        <button onClick={() => setCreating(true)} aria-haspopup="dialog">
          New bank
        </button>
      }
    >
      <Notice text={outcome.text} kind={outcome.kind} />
      <Status
        loaded={loaded}
        empty={loaded.data && !banks.length ? 'No banks yet. Create one, then import a hash list into it.' : false}
      />
      {banks.length > 0 && (
        <>
          <p className="count">
            {plural(banks.length, 'bank')},{' '}
            {plural(
              banks.reduce((n, b) => n + b.entries, 0),
              'entry',
              'entries',
            )}
          </p>
          <div className="table-wrap">
            <table className="data admin-table">
              <caption className="visually-hidden">Hash banks</caption>
              <thead>
                <tr>
                  <th scope="col">Bank</th>
                  <th scope="col">Kind</th>
                  <th scope="col" className="num">
                    Entries
                  </th>
                  <th scope="col">Status</th>
                  <th scope="col">Updated</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {banks.map((b) => (
                  <tr key={b.id}>
                    <td>
                      <Link to={`/admin/banks/${encodeURIComponent(b.name)}`}>{b.name}</Link>
                      {b.description && <div className="muted small">{b.description}</div>}
                    </td>
                    <td>{kindLabel(b.kind)}</td>
                    <td className="num">{b.entries.toLocaleString()}</td>
                    <td>
                      {b.enabled ? (
                        <span className="state good">Enabled</span>
                      ) : (
                        <span className="state bad">Disabled</span>
                      )}
                    </td>
                    <td className="nowrap">{when(b.updated_at)}</td>
                    <td className="actions-cell">
                      {b.enabled ? (
                        <button className="danger" aria-label={`Disable ${b.name}`} onClick={() => setDisabling(b)}>
                          Disable
                        </button>
                      ) : (
                        <button className="secondary" aria-label={`Enable ${b.name}`} onClick={() => enable(b)}>
                          Enable
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      {creating && (
        <CreateBank
          onClose={() => setCreating(false)}
          onCreated={(name) => {
            setCreating(false);
            ok(`Bank ${name} created.`);
            loaded.reload();
          }}
        />
      )}
      {disabling && (
        <Confirm
          title={`Disable ${disabling.name}?`}
          confirm="Disable bank"
          danger
          onClose={() => setDisabling(null)}
          onConfirm={async () => {
            await api('PATCH', `/v1/banks/${encodeURIComponent(disabling.name)}`, { enabled: false });
            ok(`${disabling.name} is disabled: its ${plural(disabling.entries, 'entry', 'entries')} no longer match.`);
            loaded.reload();
          }}
        >
          <p>
            {disabling.kind === 'block'
              ? `Media matching its ${plural(disabling.entries, 'entry', 'entries')} will no longer be flagged.`
              : `Media matching its ${plural(disabling.entries, 'entry', 'entries')} will no longer be exempt from block banks.`}{' '}
            The entries are kept; enable the bank to match again.
          </p>
        </Confirm>
      )}
    </Page>
  );
}

function CreateBank({ onClose, onCreated }: { onClose: () => void; onCreated: (name: string) => void }) {
  const [name, setName] = useState('');
  const [kind, setKind] = useState<'block' | 'allow'>('block');
  const [description, setDescription] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    if (!name.trim()) return setErrors({ name: 'Give the bank a name.' });
    setBusy(true);
    try {
      await api('POST', '/v1/banks', {
        name: name.trim(),
        kind,
        ...(description.trim() ? { description: description.trim() } : {}),
      });
      onCreated(name.trim());
    } catch (err) {
      setErrors(errorsAt(err, (m) => (/name|already exists/i.test(m) ? 'name' : undefined)));
      setBusy(false);
    }
  };
  return (
    <Dialog title="New hash bank" onClose={onClose}>
      <form className="admin-form" onSubmit={submit} noValidate>
        <Field label="Name" error={errors.name} hint="Letters, digits, dot, dash or underscore, e.g. PARTNER_LIST.">
          {(a) => (
            <input {...a} name="name" autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} />
          )}
        </Field>
        <Field label="Kind" error={errors.kind}>
          {(a) => (
            <select {...a} name="kind" value={kind} onChange={(e) => setKind(e.target.value as 'block' | 'allow')}>
              <option value="block">{kindLabel('block')}</option>
              <option value="allow">{kindLabel('allow')}</option>
            </select>
          )}
        </Field>
        <Field label="Description (optional)" error={errors.description}>
          {(a) => (
            <textarea
              {...a}
              name="description"
              rows={2}
              value={description}
              onChange={(e) => setDescription(e.target.value)}
            />
          )}
        </Field>
        <Notice text={errors[''] ?? ''} kind="error" />
        <FormButtons label="Create bank" busyLabel="Creating…" busy={busy} onCancel={onClose} />
      </form>
    </Dialog>
  );
}
