// The oversight area's screens (see ../screens.ts): the audit log and transparency figures (under /admin) and
// the leads' team dashboard (/team). Roles follow the server's access for each API: the audit log is for
// admins and auditors, transparency for admins, leads, legal and auditors, the dashboard for leads and admins.
import type { Screen } from '../screens.ts';
import { AuditScreen } from './Audit.tsx';
import { TeamScreen } from './Team.tsx';
import { TransparencyScreen } from './Transparency.tsx';
import './oversight.css';

export const screens: Screen[] = [
  {
    path: '/admin/audit',
    section: 'admin',
    label: 'Audit log',
    roles: ['admin', 'auditor'],
    render: ({ search }) => <AuditScreen search={search} />,
  },
  {
    path: '/admin/transparency',
    section: 'admin',
    label: 'Transparency',
    roles: ['admin', 'lead', 'legal', 'auditor'],
    render: ({ search }) => <TransparencyScreen search={search} />,
  },
];

export const teamScreens: Screen[] = [
  {
    path: '/team',
    section: 'team',
    label: 'Team',
    roles: ['lead', 'admin'],
    render: ({ search }) => <TeamScreen search={search} />,
  },
];
