// A line diff between two texts (two versions of a rule or a term list), with jsdiff. Added and removed lines
// are marked with + and − as well as colour, and the summary says how many, so nothing depends on colour.
import { diffLines } from 'diff';

export function LineDiff({
  from,
  to,
  fromLabel,
  toLabel,
}: {
  from: string;
  to: string;
  fromLabel: string;
  toLabel: string;
}) {
  const parts = diffLines(from, to);
  const rows: { kind: 'add' | 'del' | 'same'; a?: number; b?: number; text: string }[] = [];
  let a = 1;
  let b = 1;
  for (const p of parts) {
    const lines = p.value.replace(/\n$/, '').split('\n');
    for (const text of lines) {
      if (p.added) rows.push({ kind: 'add', b: b++, text });
      else if (p.removed) rows.push({ kind: 'del', a: a++, text });
      else rows.push({ kind: 'same', a: a++, b: b++, text });
    }
  }
  const added = rows.filter((r) => r.kind === 'add').length;
  const removed = rows.filter((r) => r.kind === 'del').length;
  // Long unchanged stretches fold to their edges, so the changes are what the reader sees.
  const shown = rows.filter(
    (r, i) => r.kind !== 'same' || rows.slice(Math.max(0, i - 2), i + 3).some((x) => x.kind !== 'same'),
  );
  return (
    <div>
      <p className="diff-summary" role="status">
        {fromLabel} → {toLabel}:{' '}
        {added || removed ? `${added} line${added === 1 ? '' : 's'} added, ${removed} removed` : 'no difference'}
      </p>
      {(added > 0 || removed > 0) && (
        <div className="diff" tabIndex={0} role="region" aria-label={`Changes from ${fromLabel} to ${toLabel}`}>
          <table>
            <tbody>
              {shown.map((r, i) => (
                <tr key={i} className={r.kind}>
                  <td className="ln">{r.a ?? ''}</td>
                  <td className="ln">{r.b ?? ''}</td>
                  <td className="sign">
                    {r.kind === 'add' ? '+' : r.kind === 'del' ? '−' : ' '}
                    <span className="visually-hidden">
                      {r.kind === 'add' ? 'added' : r.kind === 'del' ? 'removed' : ''}
                    </span>
                  </td>
                  <td>{r.text}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
