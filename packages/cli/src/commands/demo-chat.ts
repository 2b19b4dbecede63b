// The demo's messenger traffic, made with the `vigil chat` commands themselves (in process): three
// users, 1:1 chats, a group joined by invite link, a forward, and a reported message, all end-to-end
// encrypted through the relay. The report reaches the review queue once the service verifies it.
import { randomBytes } from 'node:crypto';
import { runChat } from './chat.ts';

const DEMO_CHAT_USERS = ['ana.demo', 'ben.demo', 'cai.demo'] as const;
type User = (typeof DEMO_CHAT_USERS)[number];

export interface DemoChat {
  home: string;
  passwords: Record<User, string>;
  messages: number;
}

export async function seedConversations(server: string, home: string): Promise<DemoChat> {
  const passwords = Object.fromEntries(DEMO_CHAT_USERS.map((u) => [u, randomBytes(9).toString('base64url')])) as Record<
    User,
    string
  >;
  const chat = (who: User, ...args: string[]) =>
    runChat(['--server', server, '--home', home, '--as', who, '--json', ...args], { password: passwords[who] });
  const json = async <T>(p: Promise<string>) => JSON.parse((await p).trim().split('\n').at(-1)!) as T;
  let messages = 0;
  const send = async (who: User, to: string, text: string) => {
    messages++;
    return json<{ id: string; conversation: string }>(chat(who, 'send', to, text));
  };

  for (const u of DEMO_CHAT_USERS) await chat(u, 'register', u);
  await send('ana.demo', '@ben.demo', 'Hi Ben, are we still on for Saturday?');
  await chat('ben.demo', 'read');
  await send('ben.demo', '@ana.demo', 'Yes! I will bring the maps.');
  await chat('ana.demo', 'read');

  const group = await json<{ conversation: string }>(
    chat('ana.demo', 'group', 'create', 'Weekend hikers', '@ben.demo'),
  );
  const link = (
    await runChat(['--server', server, '--home', home, '--as', 'ana.demo', 'group', 'invite', group.conversation])
  ).trim();
  await chat('cai.demo', 'group', 'join', link);
  await chat('ana.demo', 'read'); // Ana's client adds Cai to the MLS group
  await chat('cai.demo', 'read'); // Cai's Welcome
  await chat('ben.demo', 'read');
  const welcome = await send('ana.demo', group.conversation, 'Welcome Cai! The trail starts at 9.');
  await chat('ben.demo', 'read');
  await chat('cai.demo', 'read');
  await chat('cai.demo', 'forward', welcome.id, '@ben.demo');
  messages++;
  // Cai's unwanted advert to Ben, which Ben reports: a verified report with its plaintext.
  const spam = await send('cai.demo', '@ben.demo', 'Cheap followers for your channel, message me for prices');
  await chat('ben.demo', 'read');
  await chat('ben.demo', 'report', spam.id, '--reason', 'spam');
  return { home, passwords, messages };
}
