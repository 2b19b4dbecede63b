// The policy area's screens (see ../screens.ts). Roles follow the server's access: rules and term lists are
// edited by admins and leads (OPS); webhook endpoints are admin-only, their deliveries and retries OPS.
import type { Screen } from '../screens.ts';
import { RulesScreen } from './Rules.tsx';
import { TermsScreen } from './Terms.tsx';
import { WebhooksScreen } from './Webhooks.tsx';

export const screens: Screen[] = [
  {
    path: '/admin/rules',
    section: 'admin',
    label: 'Rules',
    roles: ['admin', 'lead'],
    render: ({ search }) => <RulesScreen search={search} />,
  },
  {
    path: '/admin/terms',
    section: 'admin',
    label: 'Term lists',
    roles: ['admin', 'lead'],
    render: () => <TermsScreen />,
  },
  {
    path: '/admin/webhooks',
    section: 'admin',
    label: 'Webhooks',
    roles: ['admin', 'lead'],
    render: ({ staff, search }) => <WebhooksScreen staff={staff} search={search} />,
  },
];
