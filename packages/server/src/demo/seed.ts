// The demo data set: a platform with ordinary accounts and groups, plus a few that the detection
// capabilities should flag (coded terms from public reporting only; no abusive content).
// Everything goes through the real ingest pipeline, so the demo shows what production does.
import type { Db } from '../db/connect.ts';
import { createStaff } from '../auth/staff.ts';
import { createApiKey } from '../auth/api-keys.ts';
import { generatePassword } from '../auth/passwords.ts';
import { ingestEvents, validateEvents } from '../ingest/index.ts';
import type { Clock } from '../util/time.ts';
import { addEntries, createBank } from '../media/index.ts';
import { importExternalSignals } from '../detect/index.ts';

/**
 * Demo hashes. They are PDQ-shaped values made up for the demo, not hashes of any real image:
 * one stands for "listed" media, a second is 3 bits away (a re-encoded copy).
 */
const DEMO_LISTED_PDQ = 'c3d1a5e0f00ff00f33cc55aa0ff0f00f1e2d3c4b5a69788796a5b4c3d2e1f001';
const DEMO_COPY_PDQ = 'c3d1a5e0f00ff00f33cc55aa0ff0f00f1e2d3c4b5a69788796a5b4c3d2e1f00e';

export const DEMO_ADMIN = 'demo-admin';

export interface DemoSeed {
  adminUsername: string;
  adminPassword: string;
  ingestKey: string;
  events: number;
}

export async function isSeeded(db: Db): Promise<boolean> {
  return !!(await db.kysely.selectFrom('staff').select('id').where('username', '=', DEMO_ADMIN).executeTakeFirst());
}

export function demoEvents(now: Date, mediaBase = 'http://localhost:8080/demo-media'): unknown[] {
  const t = (minutesAgo: number) => new Date(now.getTime() - minutesAgo * 60_000).toISOString();
  const accounts = [
    {
      id: 'u-1001',
      username: 'maria.gomez',
      display_name: 'María Gómez',
      bio: 'Baker in Valencia. Sourdough every Sunday.',
    },
    { id: 'u-1002', username: 'dev_kenji', display_name: 'Kenji', bio: 'cpp developers meetup organiser' },
    { id: 'u-1003', username: 'roadmap_club', display_name: 'Road Map Club', bio: 'Cycling routes around Lyon' },
    { id: 'u-1004', username: 'amira.h', display_name: 'Amira', bio: 'Taboo board game night every Friday!' },
    { id: 'u-1005', username: 'cp_links_dm', display_name: 'trade vids', bio: 'dm for links, swap only' },
    { id: 'u-1006', username: 'n0l1m1ts_trade', display_name: 'no limits', bio: 'new here, swap pics' },
    { id: 'u-1007', username: 'joao.silva', display_name: 'João Silva', bio: 'Fotografia e viagens' },
    {
      id: 'u-1008',
      username: 'new_acc_5521',
      display_name: null,
      bio: null,
      avatar: { pdq: DEMO_COPY_PDQ, url: `${mediaBase}/avatar-stand-in.png`, mime: 'image/png' },
    },
    { id: 'u-1009', username: 'promo_handle_77', display_name: 'Deals', bio: null },
  ];
  const events: unknown[] = accounts.map((a, i) => ({
    id: `demo-acc-${a.id}`,
    type: 'account.created',
    occurred_at: t(600 - i * 10),
    account: { ...a, created_at: t(600 - i * 10) },
  }));
  const groups = [
    {
      id: 'g-2001',
      name: 'Valencia Bakers',
      description: 'Recipes, flour sources and market days.',
      member_count: 42,
      invite_link: 'https://chat.example/join/bakers',
    },
    {
      id: 'g-2002',
      name: 'C++ devs Lyon',
      description: 'cpp developers: talks and jobs',
      member_count: 120,
      invite_link: 'https://chat.example/join/cppdevs',
    },
    {
      id: 'g-2003',
      name: 'ⓒⓟ trade',
      description: 't.a.b.o.o links, dm to swap',
      member_count: 310,
      invite_link: 'https://chat.example/join/x7Hq2',
      avatar: { url: `${mediaBase}/group-photo-stand-in.png`, mime: 'image/png' },
    },
  ];
  groups.forEach((g, i) =>
    events.push({
      id: `demo-grp-${g.id}`,
      type: 'group.created',
      occurred_at: t(500 - i * 10),
      actor_id: 'u-1001',
      group: g,
    }),
  );
  groups.forEach((g) =>
    events.push({
      id: `demo-inv-${g.id}`,
      type: 'invite.created',
      occurred_at: t(480),
      invite: { link: g.invite_link, group_id: g.id, created_by: 'u-1001' },
    }),
  );
  const joins: [string, string][] = [
    ['g-2001', 'u-1001'],
    ['g-2001', 'u-1007'],
    ['g-2002', 'u-1002'],
    ['g-2002', 'u-1003'],
    ['g-2003', 'u-1005'],
    ['g-2003', 'u-1006'],
    ['g-2003', 'u-1008'],
  ];
  joins.forEach(([g, a], i) =>
    events.push({
      id: `demo-join-${g}-${a}`,
      type: 'group.member_joined',
      occurred_at: t(400 - i),
      group_id: g,
      account_id: a,
      invite_link: groups.find((x) => x.id === g)!.invite_link,
    }),
  );
  events.push({
    id: 'demo-media-1',
    type: 'media.shared',
    occurred_at: t(60),
    surface: 'channel',
    account_id: 'u-1005',
    group_id: 'g-2003',
    media: { id: 'm-4001', pdq: DEMO_COPY_PDQ, url: `${mediaBase}/shared-stand-in.png`, mime: 'image/png' },
  });
  events.push({
    id: 'demo-report-1',
    type: 'report.filed',
    occurred_at: t(30),
    report: {
      id: 'r-3001',
      reporter_id: 'u-1007',
      subject: { type: 'group', id: 'g-2003' },
      reason: 'child_safety',
      comment: 'Group advertises trading links',
    },
  });
  return events;
}

/**
 * A crowd of ordinary, generated accounts and groups with user reports about them (and, for some, a profile
 * photo that is the benign stand-in image with a near-copy of the demo's listed hash), so the console shows
 * a few hundred cases at once: paging, search and bulk decisions all have something to work on.
 */
const CROWD = 400;

/** The words crowd members' handles and group names are made of. */
const CROWD_FIRST = [
  'river',
  'maple',
  'sunny',
  'quiet',
  'harbor',
  'copper',
  'meadow',
  'cedar',
  'lunar',
  'amber',
  'willow',
  'pebble',
];
const CROWD_SECOND = [
  'runner',
  'baker',
  'reader',
  'gardener',
  'painter',
  'cyclist',
  'climber',
  'knitter',
  'birder',
  'sailor',
];
const crowdWords = (i: number) =>
  [
    CROWD_FIRST[i % CROWD_FIRST.length]!,
    CROWD_SECOND[Math.floor(i / CROWD_FIRST.length) % CROWD_SECOND.length]!,
  ] as const;

/** The generated handle of crowd member i (accounts only: every tenth member is a group). */
function crowdHandle(i: number): string {
  const [a, b] = crowdWords(i);
  return `${a}_${b}_${i}`;
}

function crowdEvents(now: Date, mediaBase = 'http://localhost:8080/demo-media', n = CROWD): unknown[] {
  const t = (minutesAgo: number) => new Date(now.getTime() - minutesAgo * 60_000).toISOString();
  const events: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const [a, b] = crowdWords(i);
    const group = i % 10 === 9;
    const id = group ? `g-c${i}` : `u-c${i}`;
    const ago = 3000 - i * 9;
    if (group) {
      events.push({
        id: `crowd-${id}`,
        type: 'group.created',
        occurred_at: t(ago),
        group: {
          id,
          name: `${a[0]!.toUpperCase()}${a.slice(1)} ${b}s ${i}`,
          description: 'A generated demo group',
          member_count: 5 + (i % 40),
          invite_link: `https://chat.example/join/crowd${i}`,
        },
      });
    } else {
      const photo = i % 15 === 0;
      events.push({
        id: `crowd-${id}`,
        type: 'account.created',
        occurred_at: t(ago),
        account: {
          id,
          username: crowdHandle(i),
          display_name: `${a[0]!.toUpperCase()}${a.slice(1)} ${b[0]!.toUpperCase()}${b.slice(1)} ${i}`,
          created_at: t(ago),
          ...(photo
            ? { avatar: { pdq: DEMO_COPY_PDQ, url: `${mediaBase}/avatar-stand-in.png`, mime: 'image/png' } }
            : {}),
        },
      });
    }
    // One to three distinct reporters, so cases carry different counts.
    for (let r = 0; r <= i % 3; r++) {
      events.push({
        id: `crowd-rep-${id}-${r}`,
        type: 'report.filed',
        occurred_at: t(ago - 5 - r),
        report: {
          id: `cr-${i}-${r}`,
          reporter_id: `u-c${(i + 7 * (r + 1)) % n}`,
          subject: { type: group ? 'group' : 'account', id },
          reason: i % 4 === 3 ? 'spam' : 'child_safety',
        },
      });
    }
  }
  return events;
}

export async function seedDemo(db: Db, clock: Clock, mediaBase?: string): Promise<DemoSeed> {
  const adminPassword = generatePassword();
  await createStaff(
    db.kysely,
    { username: DEMO_ADMIN, role: 'admin', password: adminPassword, displayName: 'Demo admin' },
    'system:demo',
    clock,
  );
  // A demo bank and an external list, so the seeded events raise media and external-list signals.
  await createBank(
    db.kysely,
    { name: 'DEMO_KNOWN', kind: 'block', description: 'Demo bank (made-up hashes)' },
    'system:demo',
    clock,
  );
  await addEntries(
    db.kysely,
    'DEMO_KNOWN',
    [{ signal_type: 'pdq', value: DEMO_LISTED_PDQ, source: 'demo', note: 'made-up demo hash' }],
    'system:demo',
    clock,
  );
  // Some generated handles are "advertised elsewhere" too, so the crowd spans several queues and severities.
  const listed = Array.from({ length: CROWD }, (_, i) => i).filter((i) => i % 7 === 0 && i % 10 !== 9);
  await importExternalSignals(
    db.kysely,
    {
      source: 'demo-ngo-list',
      entries: [
        { kind: 'handle', value: '@promo_handle_77', category: 'advertised elsewhere' },
        ...listed.map((i) => ({
          kind: 'handle' as const,
          value: `@${crowdHandle(i)}`,
          category: 'advertised elsewhere',
          note: 'generated demo entry',
        })),
      ],
    },
    'system:demo',
    clock,
  );
  const key = await createApiKey(
    db.kysely,
    { name: 'demo platform', platform: 'default', scopes: ['ingest', 'read'], createdBy: null, actor: 'system:demo' },
    clock,
  );
  const events = validateEvents(demoEvents(clock.now(), mediaBase));
  await ingestEvents(db.kysely, 'default', events, clock, key.id);
  return { adminUsername: DEMO_ADMIN, adminPassword, ingestKey: key.key, events: events.length };
}

/**
 * The generated crowd (see crowdEvents), ingested through the same pipeline; `vigil demo` adds it after the
 * demo's own data and conversations, so those are processed first. Returns how many events it added.
 */
export async function seedCrowd(db: Db, clock: Clock, mediaBase?: string): Promise<number> {
  const key = await db.kysely
    .selectFrom('api_keys')
    .select('id')
    .where('name', '=', 'demo platform')
    .executeTakeFirst();
  const crowd = crowdEvents(clock.now(), mediaBase);
  for (let i = 0; i < crowd.length; i += 500)
    await ingestEvents(
      db.kysely,
      'default',
      validateEvents(crowd.slice(i, i + 500)),
      clock,
      key ? Number(key.id) : undefined,
    );
  return crowd.length;
}
