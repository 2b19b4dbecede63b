import { useCallback, useEffect, useState } from 'react';
import { api } from './api.ts';
import type { Body, Staff } from './api/types.ts';
import { Login } from './Login.tsx';
import { Queue } from './Queue.tsx';
import { Outbox } from './Outbox.tsx';
import { Flags } from './Flags.tsx';
import { CaseView } from './CaseView.tsx';
import { DEFAULT_WELLNESS, WellnessSettings, type Wellness } from './Media.tsx';
import { BASE, lastQueue, navigate, useRoute } from './router.ts';
import { Link } from './link.tsx';
import { ShortcutOverlay, useShortcut } from './Shortcuts.tsx';
import { BreakPrompt, ExposureMeter, TeamExposure, useExposure } from './Wellness.tsx';
import { matchPath, SECTION_LABELS, type Role, type Screen, type Section } from './screens.ts';
import { screens as adminScreens } from './admin/screens.tsx';
import { screens as policyScreens } from './policy/screens.tsx';
import { screens as oversightScreens, teamScreens } from './oversight/screens.tsx';
import { screens as legalScreens, Redirect } from './legal/screens.tsx';

/** The reviewer's screens, which existed before the area registries; other areas live in their folders. */
const reviewScreens: Screen[] = [
  // Legal staff reach only the cases their filings link to (from a report), not the review queues.
  {
    path: '/queue',
    section: 'review',
    label: 'Review queue',
    roles: ['admin', 'lead', 'reviewer', 'auditor'],
    render: ({ search }) => <Queue search={search} />,
  },
  {
    path: '/cases/:id',
    section: 'review',
    roles: ['admin', 'lead', 'reviewer', 'legal', 'auditor'],
    render: ({ params, staff, wellness }) => (
      <CaseView key={params.id} caseId={Number(params.id)} staff={staff} wellness={wellness} />
    ),
  },
  { path: '/flags', section: 'review', label: 'Flags', roles: ['admin', 'lead'], render: () => <Flags /> },
  { path: '/outbox', section: 'admin', roles: ['admin', 'lead'], render: () => <Outbox /> }, // now /admin/webhooks: Outbox.tsx redirects
  {
    path: '/legal',
    section: 'legal',
    roles: ['admin', 'legal', 'auditor'],
    render: () => <Redirect to="/legal/reports" />,
  },
];

const SCREENS: Screen[] = [
  ...reviewScreens,
  ...teamScreens,
  ...legalScreens,
  ...adminScreens,
  ...policyScreens,
  ...oversightScreens,
];
const SECTIONS: Section[] = ['review', 'team', 'legal', 'admin', 'settings'];

export function App() {
  const [staff, setStaff] = useState<Staff | null | undefined>(undefined);
  const [wellness, setWellness] = useState<Wellness>(DEFAULT_WELLNESS);
  const [help, setHelp] = useState(false);
  const route = useRoute();
  const [exposure, setExposure] = useExposure(!!staff);

  useEffect(() => {
    api<Body<'/v1/session'>>('GET', '/v1/session').then(
      (s) => setStaff(s.staff),
      () => setStaff(null),
    );
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
    navigate('/', { replace: true });
    setStaff(null);
  }, [setExposure]);

  if (staff === undefined)
    return (
      <p className="muted" role="status">
        Loading…
      </p>
    );
  if (!staff) return <Login onSignedIn={setStaff} />;

  const role = staff.role as Role;
  const settings: Screen = {
    path: '/settings',
    section: 'settings',
    label: 'Wellness settings',
    roles: ['admin', 'lead', 'reviewer', 'legal', 'auditor'],
    render: () => (
      <main>
        <h1>Wellness settings</h1>
        <WellnessSettings value={wellness} onSaved={setWellness} />
        {(role === 'lead' || role === 'admin') && <TeamExposure />}
      </main>
    ),
  };
  const all = [...SCREENS, settings];
  const mine = all.filter((s) => s.roles.includes(role));
  const navFor = (section: Section) => mine.filter((s) => s.section === section && s.label);
  // Legal staff and auditors start where their work is; everyone else at the queue.
  const first =
    (role === 'legal' ? navFor('legal')[0] : role === 'auditor' ? navFor('admin')[0] : navFor('review')[0]) ??
    mine.find((s) => s.label)!;

  const path = route.path.slice(BASE.length) || '/';
  if (path === '/') {
    queueMicrotask(() => navigate(first.path, { replace: true }));
    return null;
  }
  let screen: Screen | undefined;
  let params: Record<string, string> = {};
  for (const s of all) {
    const p = matchPath(s.path, path);
    if (p) {
      screen = s;
      params = p;
      break;
    }
  }
  const allowed = !!screen && screen.roles.includes(role);
  const section = screen?.section ?? 'review';
  const sub = navFor(section);

  return (
    <div className="app">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header>
        <strong>Vigil</strong>
        <nav aria-label="Console areas">
          {SECTIONS.map((sec) => {
            const items = navFor(sec);
            if (!items.length) return null;
            const to = items[0]!.path === '/queue' ? lastQueue.get() : items[0]!.path;
            const label = items.length === 1 ? items[0]!.label! : SECTION_LABELS[sec];
            return (
              <Link key={sec} to={to} className={section === sec ? 'current' : ''}>
                {label}
              </Link>
            );
          })}
        </nav>
        <span className="grow" />
        {exposure && <ExposureMeter e={exposure} />}
        <span className="who">
          {staff.username} ({staff.role})
        </span>
        <button className="ghost" onClick={() => setHelp(true)} aria-haspopup="dialog">
          Shortcuts (?)
        </button>
        <button className="ghost" onClick={signOut}>
          Sign out
        </button>
      </header>
      {allowed && sub.length > 1 && (
        <nav className="subnav" aria-label={`${SECTION_LABELS[section]} pages`}>
          {sub.map((s) => (
            <Link
              key={s.path}
              to={s.path === '/queue' ? lastQueue.get() : s.path}
              className={path === s.path || path.startsWith(`${s.path}/`) ? 'current' : ''}
            >
              {s.label}
            </Link>
          ))}
        </nav>
      )}
      {help && <ShortcutOverlay onClose={() => setHelp(false)} />}
      {exposure && <BreakPrompt e={exposure} onBreak={setExposure} />}
      <div id="main">
        {screen && allowed ? (
          screen.render({ staff, params, search: route.search, wellness })
        ) : (
          <main>
            <h1>{screen ? 'Not available to your role' : 'Page not found'}</h1>
            <p>
              {screen
                ? `Your role (${staff.role}) cannot open this page.`
                : 'There is no console page at this address.'}
            </p>
            <p>
              <Link to={first.path}>Go to {first.label}</Link>
            </p>
          </main>
        )}
      </div>
    </div>
  );
}
