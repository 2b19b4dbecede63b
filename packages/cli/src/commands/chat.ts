// `vigil chat …`: the reference messenger from a terminal. State (device token, MLS group states,
// private key packages, received messages) lives in one file per user under --home, readable by
// the user only, saved after every command.
import { Command as CommanderCommand, type Command } from 'commander';
import { chmod, mkdir, readFile, writeFile, rename } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { HttpRelayTransport, VigilClient, type StoredMessage } from '@vigil/sdk';
import { fatal } from '../options.ts';

interface Saved {
  server: string;
  username: string;
  userId: string;
  token: string;
  client: string;
  names: Record<string, string>; // user id → username, for display
  groups: Record<string, string>; // conversation id → relay group id
  /** Private matching: the table-signing key pinned on first use, and the newest table version accepted. */
  psiKey?: string;
  psiVersion?: number;
}

interface Opts {
  home: string;
  server: string;
  as?: string;
  json?: boolean;
}

const file = (o: Opts, username: string) => join(o.home, `${username}.json`);

async function save(o: Opts, s: Saved, c: VigilClient) {
  await mkdir(o.home, { recursive: true, mode: 0o700 });
  const p = file(o, s.username);
  await writeFile(`${p}.tmp`, JSON.stringify({ ...s, client: c.exportState() }), { mode: 0o600 });
  await rename(`${p}.tmp`, p);
  await chmod(p, 0o600);
}

async function open(o: Opts): Promise<{ s: Saved; t: HttpRelayTransport; c: VigilClient }> {
  if (!o.as) throw new Error('say who you are: --as <username> (or VIGIL_CHAT_USER)');
  let s: Saved;
  try {
    s = JSON.parse(await readFile(file(o, o.as), 'utf8')) as Saved;
  } catch {
    throw new Error(
      `no saved session for "${o.as}" in ${o.home}: run \`vigil chat register\` or \`vigil chat login\` first`,
    );
  }
  const t = new HttpRelayTransport(s.server, { WebSocket: WebSocket as never });
  t.useToken(s.userId, s.token);
  const c = VigilClient.importState(s.client, t, { relaySourcePublicKey: await t.info() });
  return { s, t, c };
}

/** Where a command's output goes, how it fails, and its password: a terminal's, or a caller's in process (the demo). */
export interface ChatIo {
  out: (s: string) => void;
  fail: (e: unknown) => void;
  password: () => string;
}

const terminal: ChatIo = {
  out: (s) => void process.stdout.write(s),
  fail: fatal,
  password: () => {
    const p = process.env.VIGIL_CHAT_PASSWORD;
    if (!p) throw new Error('set the password in VIGIL_CHAT_PASSWORD (never on the command line)');
    return p;
  },
};

/** Before sending: follow the relay's private-matching policy (off unless the operator turned it on). */
async function followMatchingPolicy(o: Opts, s: Saved, t: HttpRelayTransport, c: VigilClient) {
  const cacheFile = join(o.home, `${s.username}.psi-table`); // the signed table, kept between commands
  const cached = s.psiVersion
    ? await readFile(cacheFile).then(
        (b) => ({ version: s.psiVersion!, bytes: new Uint8Array(b) }),
        () => undefined,
      )
    : undefined;
  const { matching, signingPublicKey, tableBytes } = await t.privateMatching({
    ...(s.psiKey ? { pinnedKey: new Uint8Array(Buffer.from(s.psiKey, 'base64')) } : {}),
    ...(s.psiVersion ? { minVersion: s.psiVersion } : {}),
    ...(cached ? { cached } : {}),
  });
  c.setPrivateMatching(matching.table ? matching : null);
  s.psiKey ??= Buffer.from(signingPublicKey).toString('base64');
  if (matching.table && tableBytes && matching.table.version !== cached?.version) {
    await writeFile(cacheFile, tableBytes, { mode: 0o600 });
    s.psiVersion = matching.table.version;
  }
}

function print(io: ChatIo, o: Opts, s: Saved, m: StoredMessage & { label?: string }) {
  const who = s.names[m.senderId] ?? m.senderId;
  if (o.json)
    io.out(
      JSON.stringify({
        id: m.id,
        conversation: m.conversationId,
        from: who,
        body: m.body,
        attachments: m.attachments.length,
        hops: m.hops,
        sent_at: new Date(m.sentAt).toISOString(),
      }) + '\n',
    );
  else
    io.out(
      `[${m.conversationId.slice(0, 8)}] ${who}${m.hops >= 5 ? ' (forwarded many times)' : m.hops ? ' (forwarded)' : ''}: ${m.body}${m.attachments.length ? ` [${m.attachments.length} attachment(s)]` : ''}  #${m.id}\n`,
    );
}

export function chatCommand(program: Command, io: ChatIo = terminal) {
  const chat = program
    .command('chat')
    .description('the reference E2EE messenger from a terminal (password in VIGIL_CHAT_PASSWORD)')
    .option('--server <url>', 'relay URL', process.env.VIGIL_CHAT_SERVER ?? 'http://localhost:8080')
    .option('--home <dir>', 'where sessions are kept', process.env.VIGIL_CHAT_HOME ?? join(homedir(), '.vigil-chat'))
    .option('--as <username>', 'which saved user to act as', process.env.VIGIL_CHAT_USER)
    .option('--json', 'JSON lines');
  const run =
    (fn: (o: Opts, ...a: string[]) => Promise<void>) =>
    async (...args: unknown[]) => {
      try {
        // Commander passes positional arguments (variadic ones as arrays), then options and the command.
        await fn(chat.opts() as Opts, ...(args.flat().filter((a) => typeof a === 'string') as string[]));
      } catch (e) {
        io.fail(e);
      }
    };
  const start = async (o: Opts, username: string, how: 'register' | 'login') => {
    const t = new HttpRelayTransport(o.server);
    await (how === 'register' ? t.register(username, io.password()) : t.login(username, io.password()));
    const c = new VigilClient(t.userId, t, { relaySourcePublicKey: await t.info() });
    await c.publishKeyPackages(3);
    await save(
      o,
      {
        server: o.server,
        username,
        userId: t.userId,
        token: t.deviceToken,
        client: '',
        names: { [t.userId]: username },
        groups: {},
      },
      c,
    );
    io.out(`${how === 'register' ? 'registered' : 'signed in'} as ${username} (${t.userId})\n`);
  };
  chat
    .command('register <username>')
    .description('create an account (no phone number)')
    .action(run((o, u) => start(o, u!, 'register')));
  chat
    .command('login <username>')
    .description('sign in on this device')
    .action(run((o, u) => start(o, u!, 'login')));

  const resolveConversation = async (
    s: Saved,
    t: HttpRelayTransport,
    c: VigilClient,
    target: string,
  ): Promise<string> => {
    if (!target.startsWith('@')) return target;
    const other = await t.lookup(target.slice(1));
    s.names[other] = target.slice(1);
    const existing = c
      .conversationIds()
      .find((id) => !s.groups[id] && c.members(id).length === 2 && c.members(id).includes(other));
    return existing ?? (await c.createConversation([other]));
  };

  chat
    .command('send <to> <text>')
    .description('send to @username (a 1:1 chat) or a conversation id')
    .option('--attach <file>', 'attach a file')
    .action(
      run(async (o, to, text) => {
        const { s, t, c } = await open(o);
        await c.sync();
        const conv = await resolveConversation(s, t, c, to!);
        await followMatchingPolicy(o, s, t, c);
        const attach = (chat.commands.find((x) => x.name() === 'send')!.opts() as { attach?: string }).attach;
        const id = await c.send(
          conv,
          text!,
          attach ? [{ bytes: new Uint8Array(await readFile(attach)), mime: 'application/octet-stream' }] : [],
        );
        await save(o, s, c);
        io.out(o.json ? JSON.stringify({ id, conversation: conv }) + '\n' : `sent #${id} to ${conv}\n`);
      }),
    );
  chat
    .command('read')
    .description('fetch and show new messages; --follow keeps a WebSocket open and shows them as they arrive')
    .option('--wait <seconds>', 'wait this long for messages', '0')
    .option('--follow', 'stay connected until interrupted (Ctrl-C)')
    .action(
      run(async (o) => {
        const { s, t, c } = await open(o);
        const ro = chat.commands.find((x) => x.name() === 'read')!.opts() as { wait: string; follow?: boolean };
        const show = async (got: StoredMessage[]) => {
          for (const m of got) {
            s.names[m.senderId] ??= await t.whois(m.senderId).catch(() => m.senderId);
            print(io, o, s, m);
          }
          for (const d of c.dropped.splice(0))
            process.stderr.write(`dropped ${d.envelopeId} from ${d.from}: ${d.reason}\n`);
          await save(o, s, c);
        };
        if (ro.follow) {
          // Each batch is shown and saved before the relay gets its acknowledgement.
          const sub = c.listen(
            (got) => show(got),
            (e) => process.stderr.write(`${e.message}\n`),
          );
          await sub.ready;
          process.stderr.write('connected; waiting for messages (Ctrl-C to stop)\n');
          await new Promise<void>((resolve) => {
            process.once('SIGINT', resolve);
            process.once('SIGTERM', resolve);
          });
          await sub.close();
          await show([]);
          return;
        }
        const got: StoredMessage[] = [];
        const deadline = Date.now() + Number(ro.wait) * 1000;
        do {
          got.push(...(await c.sync()));
          if (got.length || Date.now() >= deadline) break;
          await new Promise((r) => setTimeout(r, 300));
        } while (Date.now() < deadline);
        await show(got);
      }),
    );
  chat
    .command('list')
    .description('conversations')
    .action(
      run(async (o) => {
        const { s, c } = await open(o);
        await c.sync();
        for (const id of c.conversationIds())
          io.out(
            `${id}  ${s.groups[id] ? `group ${s.groups[id]}` : '1:1'}  members: ${c
              .members(id)
              .map((m) => s.names[m] ?? m)
              .join(', ')}\n`,
          );
        await save(o, s, c);
      }),
    );
  const group = chat.command('group').description('groups');
  group
    .command('create <name> [members...]')
    .description('a group with @members')
    .action(
      run(async (o, name, ...members) => {
        const { s, t, c } = await open(o);
        const ids: string[] = [];
        for (const m of members) {
          const id = await t.lookup(m.replace(/^@/, ''));
          s.names[id] = m.replace(/^@/, '');
          ids.push(id);
        }
        const conv = await c.createConversation(ids);
        const { group_id } = await t.createGroup(conv, { name: name! });
        s.groups[conv] = group_id;
        await save(o, s, c);
        io.out(
          o.json
            ? JSON.stringify({ conversation: conv, group: group_id }) + '\n'
            : `group ${group_id} (conversation ${conv})\n`,
        );
      }),
    );
  group
    .command('add <conversation> <member>')
    .description('add @member')
    .action(
      run(async (o, conv, member) => {
        const { s, t, c } = await open(o);
        await c.sync();
        const id = await t.lookup(member!.replace(/^@/, ''));
        s.names[id] = member!.replace(/^@/, '');
        await c.addMembers(conv!, [id]);
        await save(o, s, c);
        io.out(`added ${member} to ${conv}\n`);
      }),
    );
  group
    .command('invite <conversation>')
    .description('an invite link')
    .action(
      run(async (o, conv) => {
        const { s, t, c } = await open(o);
        if (!s.groups[conv!]) throw new Error(`${conv} is not a group you created here`);
        const { link } = await t.invite(s.groups[conv!]!);
        c.markPublic(conv!); // joinable by link: in scope for private matching's "large groups"
        await save(o, s, c);
        io.out(`${link}\n`);
      }),
    );
  group
    .command('join <link>')
    .description('join by invite link (the owner adds you when their client syncs)')
    .action(
      run(async (o, link) => {
        const { s, t, c } = await open(o);
        const r = await t.join(link!);
        s.groups[r.conversation_id] = r.group_id;
        c.markPublic(r.conversation_id);
        await save(o, s, c);
        io.out(`asked to join group ${r.group_id}; read again after the owner's client syncs\n`);
      }),
    );
  chat
    .command('forward <message-id> <conversations...>')
    .description('forward a received message (at most 5 chats; 1 once forwarded many times)')
    .action(
      run(async (o, id, ...convs) => {
        const { s, t, c } = await open(o);
        await c.sync();
        const m = c
          .conversationIds()
          .flatMap((x) => c.history(x))
          .find((x) => x.id === id);
        if (!m) throw new Error(`no message #${id} here`);
        const targets: string[] = [];
        for (const x of convs) targets.push(await resolveConversation(s, t, c, x));
        await followMatchingPolicy(o, s, t, c);
        await c.forward(m, targets);
        await save(o, s, c);
        io.out(`forwarded #${id} to ${targets.length} chat(s)\n`);
      }),
    );
  chat
    .command('report <message-id>')
    .description('report a message (with the 5 previous messages as context)')
    .option('--reason <reason>', 'reason', 'child_safety')
    .action(
      run(async (o, id) => {
        const { s, t, c } = await open(o);
        await c.sync();
        const m = c
          .conversationIds()
          .flatMap((x) => c.history(x))
          .find((x) => x.id === id);
        if (!m) throw new Error(`no message #${id} here`);
        const reason = (chat.commands.find((x) => x.name() === 'report')!.opts() as { reason: string }).reason;
        const r = await t.report({ type: 'account', id: m.senderId }, c.buildReport(m.conversationId, [m.id]), reason);
        await save(o, s, c);
        io.out(o.json ? JSON.stringify(r) + '\n' : `reported #${id} (report ${r.report_id})\n`);
      }),
    );
}

/**
 * Runs one `vigil chat …` command in this process (arguments as after `vigil chat`) and returns
 * what it printed; failures throw. The demo seeds its conversations this way.
 */
export async function runChat(args: string[], o: { password?: string } = {}): Promise<string> {
  let printed = '';
  const program = new CommanderCommand().exitOverride();
  chatCommand(program, {
    out: (x) => void (printed += x),
    fail: (e) => {
      throw e;
    },
    password: () => {
      if (!o.password) throw new Error('this command needs a password');
      return o.password;
    },
  });
  await program.parseAsync(['chat', ...args], { from: 'user' });
  return printed;
}
