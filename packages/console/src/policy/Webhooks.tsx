// Webhooks: the endpoints Vigil signs and POSTs events to (admins: create, rotate the secret, delete), and the
// deliveries (the former outbox page, for admins and leads): filtered by status and endpoint, paged, with the
// attempts and last error, and dead letters retried one at a time or all of an endpoint's at once.
import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../api.ts';
import type { Body, Staff, WebhookDelivery, WebhookEndpoint } from '../api/types.ts';
import { navigate } from '../router.ts';
import { Confirm, Dialog, Field, fieldErrors, Notice, Page, Pager, ShownOnce, Status, useLoad, when } from '../ui.tsx';
import './policy.css';

type Endpoint = WebhookEndpoint;
type Delivery = WebhookDelivery;

const PAGE = 50;
const STATUS_LABEL: Record<string, string> = { pending: 'Pending', delivered: 'Delivered', dead: 'Dead letter' };

export function WebhooksScreen({ staff, search }: { staff: Staff; search: URLSearchParams }) {
  const admin = staff.role === 'admin';
  const [notice, setNotice] = useState<{ text: string; kind: 'ok' | 'error' }>({ text: '', kind: 'ok' });
  const say = (text: string, kind: 'ok' | 'error' = 'ok') => setNotice({ text, kind });
  return (
    <Page title="Webhooks">
      <p className="muted">
        Vigil POSTs events to these endpoints, signed with each endpoint's secret (header <code>Vigil-Signature</code>).
        Failed deliveries are retried with backoff, then kept as dead letters.
      </p>
      <Notice text={notice.text} kind={notice.kind} />
      {admin && <Endpoints say={say} />}
      <Deliveries search={search} say={say} />
    </Page>
  );
}

function Endpoints({ say }: { say: (t: string, k?: 'ok' | 'error') => void }) {
  const loaded = useLoad(() => api<Body<'/v1/webhooks'>>('GET', '/v1/webhooks'), []);
  const [creating, setCreating] = useState(false);
  const [rotating, setRotating] = useState<Endpoint | null>(null);
  const [deleting, setDeleting] = useState<Endpoint | null>(null);
  const [secret, setSecret] = useState<{ label: string; value: string } | null>(null);
  const endpoints = loaded.data?.endpoints ?? [];
  return (
    <section aria-labelledby="endpoints-heading">
      <div className="page-head">
        <h2 id="endpoints-heading">Endpoints</h2>
        <button onClick={() => setCreating(true)} aria-haspopup="dialog">
          New endpoint
        </button>
      </div>
      <Status
        loaded={loaded}
        empty={
          loaded.data && !endpoints.length
            ? 'No endpoints yet: the platform hears of Vigil’s actions only through one.'
            : false
        }
      />
      {endpoints.length > 0 && (
        <div className="table-wrap">
          <table className="data">
            <caption className="visually-hidden">Webhook endpoints</caption>
            <thead>
              <tr>
                <th scope="col" className="num">
                  #
                </th>
                <th scope="col">URL</th>
                <th scope="col">Events</th>
                <th scope="col">State</th>
                <th scope="col">Created</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {endpoints.map((e) => (
                <tr key={e.id}>
                  <td className="num">{e.id}</td>
                  <td className="wrap">
                    <code>{e.url}</code>
                  </td>
                  <td className="wrap">{e.events.includes('*') ? 'All events' : e.events.join(', ')}</td>
                  <td>
                    {e.enabled ? <span className="pill good">Enabled</span> : <span className="pill">Deleted</span>}
                  </td>
                  <td className="nowrap">{when(e.created_at)}</td>
                  <td>
                    <div className="row-buttons">
                      <button
                        className="secondary"
                        onClick={() => navigate(`/admin/webhooks?endpoint=${e.id}&status=dead`)}
                        aria-label={`Dead letters of endpoint ${e.id}`}
                      >
                        Dead letters
                      </button>
                      {e.enabled && (
                        <button
                          className="secondary"
                          onClick={() => setRotating(e)}
                          aria-label={`Rotate secret of endpoint ${e.id}`}
                        >
                          Rotate secret
                        </button>
                      )}
                      {e.enabled && (
                        <button
                          className="danger"
                          onClick={() => setDeleting(e)}
                          aria-label={`Delete endpoint ${e.id}`}
                        >
                          Delete
                        </button>
                      )}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {creating && (
        <CreateEndpoint
          onClose={() => setCreating(false)}
          onCreated={(e) => {
            setCreating(false);
            setSecret({ label: `Signing secret of endpoint ${e.id}`, value: e.secret });
            say(`Endpoint ${e.id} created.`);
            loaded.reload();
          }}
        />
      )}
      {rotating && (
        <Confirm
          title={`Rotate the secret of endpoint ${rotating.id}?`}
          confirm="Rotate secret"
          onClose={() => setRotating(null)}
          onConfirm={async () => {
            const r = await api<Body<'/v1/webhooks/{id}/secret', 'post'>>('POST', `/v1/webhooks/${rotating.id}/secret`);
            setSecret({ label: `New signing secret of endpoint ${r.id}`, value: r.secret });
            say(`The secret of endpoint ${r.id} was replaced.`);
          }}
        >
          <p>
            Every delivery from now on, retries included, is signed with a new secret. The receiver at{' '}
            <code>{rotating.url}</code> rejects them until it has the new one. The old secret cannot be restored.
          </p>
        </Confirm>
      )}
      {deleting && (
        <Confirm
          title={`Delete endpoint ${deleting.id}?`}
          confirm="Delete endpoint"
          danger
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            const r = await api<Body<'/v1/webhooks/{id}', 'delete'>>('DELETE', `/v1/webhooks/${deleting.id}`);
            say(
              `Endpoint ${deleting.id} is deleted${r.cancelled ? `; ${r.cancelled} waiting deliver${r.cancelled === 1 ? 'y was' : 'ies were'} cancelled` : ''}.`,
            );
            loaded.reload();
          }}
        >
          <p>
            Nothing more is sent to <code>{deleting.url}</code>: deliveries still waiting become dead letters marked
            “endpoint deleted”, and none of its dead letters can be retried. Its delivery history stays on record. This
            cannot be undone: register the URL again to resume.
          </p>
        </Confirm>
      )}
      {secret && <ShownOnce label={secret.label} value={secret.value} onDone={() => setSecret(null)} kept="secret" />}
    </section>
  );
}

function CreateEndpoint({
  onClose,
  onCreated,
}: {
  onClose: () => void;
  onCreated: (e: Body<'/v1/webhooks', 'post'>) => void;
}) {
  const [url, setUrl] = useState('https://');
  const [events, setEvents] = useState('*');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    const list = events
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const p: Record<string, string> = {};
    try {
      if (!/^https?:$/.test(new URL(url).protocol)) p.url = 'Use an http or https URL.';
    } catch {
      p.url = 'Write the full URL, e.g. https://platform.example/vigil-hooks.';
    }
    if (!list.length) p.events = 'Name at least one event type, or * for all.';
    setErrors(p);
    if (Object.keys(p).length) return;
    setBusy(true);
    try {
      onCreated(await api<Body<'/v1/webhooks', 'post'>>('POST', '/v1/webhooks', { url, events: list }));
    } catch (e) {
      const byPath = fieldErrors(e);
      const message = (e as Error).message;
      setErrors(
        Object.keys(byPath).length
          ? { url: byPath.url ?? '', events: byPath.events ?? Object.values(byPath)[0] ?? '' }
          : /url|address|host/i.test(message)
            ? { url: message }
            : { '': message },
      );
      setBusy(false);
    }
  };
  return (
    <Dialog title="New webhook endpoint" onClose={onClose}>
      <form className="policy-form" onSubmit={submit} noValidate>
        <Field
          label="URL"
          error={errors.url || undefined}
          hint="Where Vigil POSTs events. Private and loopback addresses are refused unless the server allows them."
        >
          {(a) => <input {...a} name="url" type="url" value={url} onChange={(e) => setUrl(e.target.value)} />}
        </Field>
        <Field
          label="Events"
          error={errors.events || undefined}
          hint="Comma-separated event types (enforcement.action, enforcement.reversed, …), or * for all."
        >
          {(a) => <input {...a} name="events" value={events} onChange={(e) => setEvents(e.target.value)} />}
        </Field>
        <Notice text={errors[''] ?? ''} kind="error" />
        <div className="buttons">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create endpoint'}
          </button>
          <button type="button" className="secondary" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function Deliveries({ search, say }: { search: URLSearchParams; say: (t: string, k?: 'ok' | 'error') => void }) {
  const status = search.get('status') ?? '';
  const endpoint = search.get('endpoint') ?? '';
  const page = Math.max(0, Number(search.get('page') ?? 0) || 0);
  const [endpointInput, setEndpointInput] = useState(endpoint);
  useEffect(() => setEndpointInput(endpoint), [endpoint]); // the URL (links, Back) decides the filter
  const [retryingAll, setRetryingAll] = useState(false);
  const loaded = useLoad(() => {
    const q = new URLSearchParams({ limit: String(PAGE), offset: String(page * PAGE) });
    if (status) q.set('status', status);
    if (endpoint) q.set('endpoint_id', endpoint);
    return api<Body<'/v1/webhooks/deliveries'>>('GET', `/v1/webhooks/deliveries?${q}`);
  }, [status, endpoint, page]);
  const rows = loaded.data?.deliveries ?? [];
  const go = (o: { status?: string; endpoint?: string; page?: number }) => {
    const q = new URLSearchParams();
    const s = o.status ?? status;
    const e = o.endpoint ?? endpoint;
    if (s) q.set('status', s);
    if (e) q.set('endpoint', e);
    if (o.page) q.set('page', String(o.page));
    navigate(`/admin/webhooks${q.size ? `?${q}` : ''}`);
  };
  const retry = async (d: Delivery) => {
    try {
      await api('POST', `/v1/webhooks/deliveries/${d.id}/retry`);
      say(`Delivery ${d.id} will be sent again shortly.`);
      loaded.reload();
    } catch (e) {
      say((e as Error).message, 'error');
    }
  };
  const endpointError = endpointInput && !/^\d+$/.test(endpointInput) ? 'An endpoint number, e.g. 3.' : undefined;
  return (
    <section aria-labelledby="deliveries-heading">
      <h2 id="deliveries-heading">Deliveries</h2>
      <form
        className="inline-fields"
        onSubmit={(e) => {
          e.preventDefault();
          if (!endpointError) go({ endpoint: endpointInput, page: 0 });
        }}
      >
        <Field label="Status">
          {(a) => (
            <select {...a} name="status" value={status} onChange={(e) => go({ status: e.target.value, page: 0 })}>
              <option value="">All</option>
              <option value="pending">Pending</option>
              <option value="delivered">Delivered</option>
              <option value="dead">Dead letters</option>
            </select>
          )}
        </Field>
        <Field label="Endpoint #" error={endpointError}>
          {(a) => (
            <input
              {...a}
              name="endpoint"
              inputMode="numeric"
              size={6}
              value={endpointInput}
              onChange={(e) => setEndpointInput(e.target.value.trim())}
            />
          )}
        </Field>
        <button type="submit" className="secondary">
          Filter
        </button>
        {endpoint && (
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setEndpointInput('');
              go({ endpoint: '', page: 0 });
            }}
          >
            All endpoints
          </button>
        )}
        {endpoint && !rows.some((d) => !d.endpoint_enabled) && (
          <button type="button" onClick={() => setRetryingAll(true)}>
            Retry all dead letters of endpoint {endpoint}
          </button>
        )}
      </form>
      <Status
        loaded={loaded}
        empty={
          loaded.data && !rows.length
            ? page
              ? 'No more deliveries.'
              : status === 'dead'
                ? 'No dead letters.'
                : 'No deliveries.'
            : false
        }
      />
      {rows.length > 0 && (
        <div className="table-wrap">
          <table className="data">
            <caption className="visually-hidden">Deliveries, newest first</caption>
            <thead>
              <tr>
                <th scope="col" className="num">
                  #
                </th>
                <th scope="col" className="num">
                  Endpoint
                </th>
                <th scope="col">Event</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Attempts
                </th>
                <th scope="col">Last error</th>
                <th scope="col">Created</th>
                <th scope="col">Delivered / next try</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((d) => (
                <tr key={d.id}>
                  <td className="num">{d.id}</td>
                  <td className="num">{d.endpoint_id}</td>
                  <td>{d.event_type}</td>
                  <td>
                    <span
                      className={`pill ${d.status === 'dead' ? 'bad' : d.status === 'delivered' ? 'good' : 'warn'}`}
                    >
                      {STATUS_LABEL[d.status] ?? d.status}
                    </span>
                  </td>
                  <td className="num">{d.attempts}</td>
                  <td className="wrap small">
                    {d.last_error ? `${d.last_error}${d.last_status ? ` (HTTP ${d.last_status})` : ''}` : ''}
                  </td>
                  <td className="nowrap">{when(d.created_at)}</td>
                  <td className="nowrap">
                    {d.delivered_at
                      ? when(d.delivered_at)
                      : d.status === 'pending'
                        ? `next ${when(d.next_attempt_at)}`
                        : ''}
                  </td>
                  <td>
                    {d.status === 'dead' && d.endpoint_enabled && (
                      <button className="secondary" onClick={() => retry(d)} aria-label={`Retry delivery ${d.id}`}>
                        Retry
                      </button>
                    )}
                    {d.status === 'dead' && !d.endpoint_enabled && (
                      <span className="muted small">Endpoint deleted</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager page={page} hasMore={!!loaded.data?.has_more} onPage={(p) => go({ page: p })} />
      {retryingAll && (
        <Confirm
          title={`Retry all dead letters of endpoint ${endpoint}?`}
          confirm="Retry all"
          onClose={() => setRetryingAll(false)}
          onConfirm={async () => {
            const r = await api<Body<'/v1/webhooks/{id}/retry-dead', 'post'>>(
              'POST',
              `/v1/webhooks/${endpoint}/retry-dead`,
            );
            say(
              r.retried
                ? `${r.retried} dead letter${r.retried === 1 ? '' : 's'} of endpoint ${endpoint} will be sent again.`
                : `Endpoint ${endpoint} has no dead letters.`,
            );
            loaded.reload();
          }}
        >
          <p>
            Every dead letter of endpoint {endpoint} goes back to the queue and is sent again, with a fresh count of
            attempts.
          </p>
        </Confirm>
      )}
    </section>
  );
}
