// The legal area's screens (see ../screens.ts). Legal and admin work here; auditors read the same pages with no
// control that changes anything (the server refuses them too).
import { useEffect } from 'react';
import type { Role, Screen } from '../screens.ts';
import { navigate } from '../router.ts';
import { ReportsScreen } from './Reports.tsx';
import { ReportScreen } from './Report.tsx';
import { VaultScreen } from './Vault.tsx';
import { RequestsScreen } from './Requests.tsx';

const LEGAL: readonly Role[] = ['admin', 'legal', 'auditor'];

/** An old address: goes to the new one without leaving itself in the history. */
export function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return (
    <p className="muted" role="status">
      Moved to <a href={`/console${to}`}>{to}</a>…
    </p>
  );
}

export const screens: Screen[] = [
  {
    path: '/legal/reports',
    section: 'legal',
    label: 'CyberTipline reports',
    roles: LEGAL,
    render: ({ search }) => <ReportsScreen search={search} />,
  },
  {
    path: '/legal/reports/:id',
    section: 'legal',
    roles: LEGAL,
    render: ({ params, staff }) => <ReportScreen key={params.id} id={Number(params.id)} staff={staff} />,
  },
  {
    path: '/legal/vault',
    section: 'legal',
    label: 'Preservation vault',
    roles: LEGAL,
    render: ({ staff, search }) => <VaultScreen staff={staff} search={search} />,
  },
  {
    path: '/legal/requests',
    section: 'legal',
    label: 'Law-enforcement requests',
    roles: LEGAL,
    render: ({ staff, search }) => <RequestsScreen staff={staff} search={search} />,
  },
];
