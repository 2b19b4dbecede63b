import { useCallback, useEffect, useState, type MouseEvent, type ReactNode } from 'react';
import { api, type Staff } from './api.ts';
import { Login } from './Login.tsx';
import { Queue } from './Queue.tsx';
import { Outbox } from './Outbox.tsx';
import { Flags } from './Flags.tsx';
import { CaseView } from './CaseView.tsx';
import { Legal } from './Legal.tsx';
import { DEFAULT_WELLNESS, WellnessSettings, type Wellness } from './Media.tsx';
import { BASE, lastQueue, navigate, useRoute } from './router.ts';
import { ShortcutOverlay, useShortcut } from './Shortcuts.tsx';
import { BreakPrompt, ExposureMeter, TeamExposure, useExposure } from './Wellness.tsx';

/** A link that moves within the console without reloading it (and still works as a plain link). */
export function Link({ to, children, className, title, onClick }: { to: string; children: ReactNode; className?: string; title?: string; onClick?: () => void }) {
  const go = (e: MouseEvent) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    onClick?.();
    navigate(to);
  };
  return <a href={`${BASE}${to}`} className={className} title={title} onClick={go}>{children}</a>;
}

const PAGES = { queue: 'Review queue', flags: 'Flags', outbox: 'Webhook outbox', legal: 'Legal', settings: 'Wellness settings' } as const;
type Page = keyof typeof PAGES;

export function App() {
  const [staff, setStaff] = useState<Staff | null | undefined>(undefined);
  const [wellness, setWellness] = useState<Wellness>(DEFAULT_WELLNESS);
  const [help, setHelp] = useState(false);
  const route = useRoute();
  const [exposure, setExposure] = useExposure(!!staff);

  useEffect(() => {
    api<{ staff: Staff }>('GET', '/v1/session').then((s) => setStaff(s.staff), () => setStaff(null));
    const ended = () => setStaff(null);
    window.addEventListener('vigil:unauthenticated', ended);
    return () => window.removeEventListener('vigil:unauthenticated', ended);
  }, []);
  useEffect(() => {
    if (staff) api<Wellness>('GET', '/v1/me/settings').then(setWellness, () => {});
  }, [staff]);
  useShortcut('?', () => setHelp((h) => !h), !!staff);

  const signOut = useCallback(async () => {
    await api('DELETE', '/v1/session').catch(() => {});
    // Nothing of the last reviewer's work survives: views, filters, the open case.
    lastQueue.clear();
    sessionStorage.clear();
    setWellness(DEFAULT_WELLNESS);
    setHelp(false);
    setExposure(null);
    navigate('/queue', { replace: true });
    setStaff(null);
  }, [setExposure]);

  if (staff === undefined) return <p className="muted" role="status">Loading…</p>;
  if (!staff) return <Login onSignedIn={setStaff} />;

  const pages: Page[] = staff.role === 'admin' ? ['queue', 'flags', 'outbox', 'legal', 'settings'] : staff.role === 'lead' ? ['queue', 'flags', 'outbox', 'settings'] : staff.role === 'legal' ? ['legal', 'settings'] : ['queue', 'settings'];
  const path = route.path.slice(BASE.length) || '/';
  const caseMatch = /^\/cases\/(\d+)$/.exec(path);
  const page = (caseMatch ? 'queue' : (path.split('/')[1] as Page)) || pages[0]!;
  if (path === '/' || (!caseMatch && !pages.includes(page))) {
    queueMicrotask(() => navigate(`/${pages[0]}`, { replace: true }));
    return null;
  }

  return (
    <div className="app">
      <a className="skip" href="#main">Skip to content</a>
      <header>
        <strong>Vigil</strong>
        <nav aria-label="Console pages">
          {pages.map((p) => (
            <Link key={p} to={p === 'queue' ? lastQueue.get() : `/${p}`} className={page === p ? 'current' : ''}>
              {p === 'queue' && staff.role === 'legal' ? 'Cases' : PAGES[p]}
            </Link>
          ))}
        </nav>
        <span className="grow" />
        {exposure && <ExposureMeter e={exposure} />}
        <span className="who">{staff.username} ({staff.role})</span>
        <button className="ghost" onClick={() => setHelp(true)} aria-haspopup="dialog">Shortcuts (?)</button>
        <button className="ghost" onClick={signOut}>Sign out</button>
      </header>
      {help && <ShortcutOverlay onClose={() => setHelp(false)} />}
      {exposure && <BreakPrompt e={exposure} onBreak={setExposure} />}
      <div id="main">
        {caseMatch ? (
          <CaseView key={caseMatch[1]} caseId={Number(caseMatch[1])} staff={staff} wellness={wellness} />
        ) : page === 'queue' ? (
          <Queue search={route.search} />
        ) : page === 'flags' ? (
          <Flags />
        ) : page === 'outbox' ? (
          <Outbox />
        ) : page === 'legal' ? (
          <Legal />
        ) : (
          <main>
            <h1>Wellness settings</h1>
            <WellnessSettings value={wellness} onSaved={setWellness} />
            {(staff.role === 'lead' || staff.role === 'admin') && <TeamExposure />}
          </main>
        )}
      </div>
    </div>
  );
}
