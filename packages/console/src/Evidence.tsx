// Evidence as readable fields: coded terms highlighted in the original text, bank and distance for media
// matches, behaviour figures as short sentences. The raw JSON stays one click away.
import type { ReactNode } from 'react';
import type { Signal } from './api/types.ts';

const SEVERITY = ['info', 'low', 'medium', 'high', 'critical'];
const pct = (n: unknown) => `${Math.round(Number(n) * 100)}%`;
const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));
const SURFACE: Record<string, string> = {
  username: 'username',
  display_name: 'display name',
  bio: 'bio',
  group_name: 'group name',
  group_description: 'group description',
  avatar: 'profile photo',
  group_avatar: 'group photo',
  media: 'shared media',
};

/** The original text with the matched span marked. */
function Highlighted({
  text,
  span,
  original,
}: {
  text: string;
  span?: { start: number; end: number };
  original?: string;
}) {
  let start = span?.start ?? -1;
  let end = span?.end ?? -1;
  if (!(start >= 0 && end > start && end <= text.length) || (original && text.slice(start, end) !== original)) {
    start = original ? text.indexOf(original) : -1;
    end = start >= 0 ? start + original!.length : -1;
  }
  if (start < 0) return <q>{text}</q>;
  return (
    <q>
      {text.slice(0, start)}
      <mark>{text.slice(start, end)}</mark>
      {text.slice(end)}
    </q>
  );
}

function describe(s: Signal): ReactNode {
  const e = s.evidence;
  switch (s.kind) {
    case 'text.term':
      return (
        <>
          <p>
            Coded term <b>{str(e.term)}</b> ({str(e.category)}) in the {SURFACE[str(e.surface)] ?? str(e.surface)}:{' '}
            {typeof e.text === 'string' ? (
              <Highlighted text={e.text} span={e.span as { start: number; end: number }} original={str(e.original)} />
            ) : (
              <q>{str(e.original)}</q>
            )}
          </p>
          {Array.isArray(e.steps) && e.steps.length > 0 && (
            <p className="muted small">
              Read as “{str(e.normalised)}” after {(e.steps as string[]).join(', ')}.
            </p>
          )}
        </>
      );
    case 'media.match': {
      const how = e.signal_type === 'pdq' ? `${str(e.distance)} bits from` : 'identical to';
      return (
        <p>
          The {SURFACE[str(e.surface)] ?? str(e.surface)} is {how} an entry of bank <b>{str(e.bank)}</b>
          {e.signal_type === 'pdq' &&
            ` (PDQ${e.transform && e.transform !== 'identity' ? `, ${str(e.transform)}` : ''})`}
          {e.entry_source ? `; listed by ${str(e.entry_source)}` : ''}
          {Array.isArray(e.entry_tags) && e.entry_tags.length ? ` (${(e.entry_tags as string[]).join(', ')})` : ''}.
        </p>
      );
    }
    case 'behaviour.invite_spread':
      return (
        <p>
          {str(e.joins_last_hour)} accounts joined through one invite link in the last hour; {pct(e.new_account_share)}{' '}
          of them were new accounts.
        </p>
      );
    case 'behaviour.group_growth':
      return (
        <p>
          {str(e.joins_24h)} accounts joined within 24 hours; the group had {str(e.members_before)} members before.
        </p>
      );
    case 'behaviour.join_velocity':
      return (
        <p>
          Joined {str(e.groups_joined_24h)} groups within 24 hours (the limit is {str(e.threshold)}).
        </p>
      );
    case 'report.user':
      return (
        <p>
          Reported by users{e.reason ? ` for ${str(e.reason).replace(/_/g, ' ')}` : ''}: {str(e.distinct_reporters)}{' '}
          distinct reporter{Number(e.distinct_reporters) === 1 ? '' : 's'} so far; this report is {str(e.verification)}.
        </p>
      );
    case 'flag.external':
      return (
        <p>
          Flagged as <b>{str(e.category)}</b> by {e.flagger ? str(e.flagger) : 'a member of the public'} (
          {str(e.source)} source){e.found_at_url ? `, seen at ${str(e.found_at_url)}` : ''}. Reference{' '}
          {str(e.reference)}.
        </p>
      );
    case 'external.match':
      return (
        <p>
          “{str(e.value)}” is on {str(e.source)}’s list{e.category ? ` (${str(e.category)})` : ''}
          {e.note ? `: ${str(e.note)}` : ''}.
        </p>
      );
    case 'voucher.match':
      return (
        <p>
          Private matching: {str(e.matched_vouchers)} attachments matched the list (table version {str(e.table_version)}
          , threshold {str(e.threshold)}).
        </p>
      );
    default:
      return <p>{s.summary}</p>;
  }
}

export function Evidence({ signals }: { signals: Signal[] }) {
  if (!signals.length) return <p className="muted">No signals.</p>;
  return (
    <ul className="signals">
      {signals.map((s) => (
        <li key={s.id}>
          <span className={`sev sev-${SEVERITY[s.severity] === 'info' ? 'low' : SEVERITY[s.severity]}`}>
            {SEVERITY[s.severity]}
          </span>{' '}
          <span className="kind">{s.kind}</span>
          {describe(s)}
          <details>
            <summary>Raw evidence</summary>
            <pre>{JSON.stringify(s.evidence, null, 2)}</pre>
          </details>
        </li>
      ))}
    </ul>
  );
}
