import { useEffect, useState } from 'react';
import { api, type Staff } from './api.ts';
import { Login } from './Login.tsx';
import { Queue } from './Queue.tsx';
import { CaseView } from './CaseView.tsx';

export function App() {
  const [staff, setStaff] = useState<Staff | null | undefined>(undefined);
  const [openTask, setOpenTask] = useState<number | null>(null);

  useEffect(() => {
    api<{ staff: Staff }>('GET', '/v1/session').then((s) => setStaff(s.staff), () => setStaff(null));
  }, []);

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
        <button onClick={() => api('DELETE', '/v1/session').finally(() => setStaff(null))}>Sign out</button>
      </header>
      {openTask === null ? <Queue onOpen={setOpenTask} /> : <CaseView taskId={openTask} staff={staff} onBack={() => setOpenTask(null)} />}
    </div>
  );
}
