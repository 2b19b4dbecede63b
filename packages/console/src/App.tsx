import { useEffect, useState } from 'react';
import { api, type Staff } from './api.ts';
import { Login } from './Login.tsx';
import { Queue } from './Queue.tsx';
import { Outbox } from './Outbox.tsx';
import { Flags } from './Flags.tsx';
import { CaseView } from './CaseView.tsx';
import { Legal } from './Legal.tsx';
import { DEFAULT_WELLNESS, exposureMinutes, WellnessSettings, type Wellness } from './Media.tsx';

export function App() {
  const [staff, setStaff] = useState<Staff | null | undefined>(undefined);
  const [openTask, setOpenTask] = useState<number | null>(null);
  const [wellness, setWellness] = useState<Wellness>(DEFAULT_WELLNESS);
  const [showSettings, setShowSettings] = useState(false);
  const [view, setView] = useState<'queue' | 'outbox' | 'flags' | 'legal'>('queue');
  const [breakDue, setBreakDue] = useState(false);

  useEffect(() => {
    if (staff) api<Wellness>('GET', '/v1/me/settings').then(setWellness, () => {});
  }, [staff]);
  useEffect(() => {
    const t = setInterval(() => setBreakDue(exposureMinutes() >= wellness.break_after_minutes), 30_000);
    return () => clearInterval(t);
  }, [wellness.break_after_minutes]);

  useEffect(() => {
    api<{ staff: Staff }>('GET', '/v1/session').then((s) => setStaff(s.staff), () => setStaff(null));
  }, []);
  // The legal team starts on its own page.
  useEffect(() => {
    if (staff?.role === 'legal') setView('legal');
  }, [staff?.role]);
  const views = staff?.role === 'admin' ? (['queue', 'flags', 'outbox', 'legal'] as const) : staff?.role === 'lead' ? (['queue', 'flags', 'outbox'] as const) : staff?.role === 'legal' ? (['legal', 'queue'] as const) : null;

  if (staff === undefined) return <p className="muted">Loading…</p>;
  if (!staff) return <Login onSignedIn={setStaff} />;
  return (
    <div className="app">
      <header>
        <strong>Vigil</strong>&nbsp;review console
        <span className="grow" />
        <span className="muted">
          {staff.username} ({staff.role})
        </span>
        {views && (
          <nav>
            {views.map((v) => (
              <button key={v} className={view === v ? 'current' : ''} onClick={() => { setOpenTask(null); setView(v); }}>
                {{ queue: staff.role === 'legal' ? 'Legal tasks' : 'Review queue', flags: 'Flags', outbox: 'Webhook outbox', legal: 'Legal' }[v]}
              </button>
            ))}
          </nav>
        )}
        <button onClick={() => setShowSettings(!showSettings)}>Wellness settings</button>
        <button onClick={() => api('DELETE', '/v1/session').finally(() => setStaff(null))}>Sign out</button>
      </header>
      {breakDue && <p className="break" role="status">You have been reviewing media for a while. Consider a short break.</p>}
      {showSettings && <WellnessSettings value={wellness} onSaved={(w) => { setWellness(w); setShowSettings(false); }} />}
      {view === 'legal' ? <Legal /> : view === 'outbox' ? <Outbox /> : view === 'flags' ? <Flags /> : openTask === null ? <Queue onOpen={setOpenTask} /> : <CaseView taskId={openTask} staff={staff} wellness={wellness} onBack={() => setOpenTask(null)} />}
    </div>
  );
}
