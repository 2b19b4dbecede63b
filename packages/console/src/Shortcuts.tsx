// Keyboard shortcuts: one registry, so the `?` overlay lists exactly what works.
import { useEffect, useRef } from 'react';

const SHORTCUTS: [string, string][] = [
  ['/', 'Search the queue'],
  ['j / k', 'Next / previous case in the queue'],
  ['Enter', 'Open the selected case'],
  ['x', 'Select the focused case for a bulk action'],
  ['n', 'Next case: claim the next unclaimed case in the current filter'],
  ['c', 'Claim the open case (or release it if you hold it)'],
  ['r', 'Reveal the next hidden media item'],
  ['d', 'Go to the decision panel'],
  ['Escape', 'Back to the queue (focus returns to the case’s row); closes this list'],
  ['?', 'Show or hide this list'],
];

const typing = (t: EventTarget | null) => {
  const el = t as HTMLElement | null;
  return (
    !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable)
  );
};

/** Calls `f` on `key` unless the reviewer is typing (Escape always works). */
export function useShortcut(key: string, f: (e: KeyboardEvent) => void, enabled = true, dialog = false) {
  const ref = useRef(f);
  ref.current = f;
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== key || e.metaKey || e.ctrlKey || e.altKey) return;
      if (key !== 'Escape' && typing(e.target)) return;
      // While the shortcut list is open, only its own keys work.
      if (!dialog && key !== '?' && document.querySelector('[role=dialog][data-shortcuts]')) return;
      ref.current(e);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [key, enabled, dialog]);
}

export function ShortcutOverlay({ onClose }: { onClose: () => void }) {
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    close.current?.focus();
    return () => before?.focus?.();
  }, []);
  useShortcut('Escape', () => onClose(), true, true);
  return (
    <div className="overlay" onClick={onClose}>
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby="shortcuts-title"
        data-shortcuts
        className="dialog"
        onClick={(e) => e.stopPropagation()}
      >
        <h2 id="shortcuts-title">Keyboard shortcuts</h2>
        <table className="shortcuts">
          <tbody>
            {SHORTCUTS.map(([k, what]) => (
              <tr key={k}>
                <th scope="row">
                  <kbd>{k}</kbd>
                </th>
                <td>{what}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted">Everything is also reachable with Tab and Enter.</p>
        <button ref={close} onClick={onClose}>
          Close
        </button>
      </div>
    </div>
  );
}
