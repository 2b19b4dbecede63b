// The admin area's screens (see ../screens.ts). Roles follow the server's access for each API: staff and API
// keys are admin-only; banks and exchanges are managed by admins and leads (OPS).
import type { Screen } from '../screens.ts';
import { StaffScreen } from './Staff.tsx';
import { KeysScreen } from './Keys.tsx';
import { BanksScreen } from './Banks.tsx';
import { BankScreen } from './Bank.tsx';
import { ExchangesScreen } from './Exchanges.tsx';

export const screens: Screen[] = [
  {
    path: '/admin/staff',
    section: 'admin',
    label: 'Staff',
    roles: ['admin'],
    render: ({ staff }) => <StaffScreen me={staff} />,
  },
  { path: '/admin/keys', section: 'admin', label: 'API keys', roles: ['admin'], render: () => <KeysScreen /> },
  {
    path: '/admin/banks',
    section: 'admin',
    label: 'Hash banks',
    roles: ['admin', 'lead'],
    render: () => <BanksScreen />,
  },
  {
    path: '/admin/banks/:name',
    section: 'admin',
    roles: ['admin', 'lead'],
    render: ({ params, search }) => <BankScreen key={params.name} name={params.name!} search={search} />,
  },
  {
    path: '/admin/exchanges',
    section: 'admin',
    label: 'Exchanges',
    roles: ['admin', 'lead'],
    render: () => <ExchangesScreen />,
  },
];
