// Every decision the safety service can take about a messenger account or group reaches the relay only as a
// signed webhook and is applied to the relay's own storage: suspend (until it expires), restrict, remove photo,
// reset name, revoke invites, ban members, and reversal. The relay's events survive the safety service being
// away (its outbox retries), and an event the service refuses is parked with the reason, not retried forever.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { HttpRelayTransport, RelayHttpError } from '@vigil/sdk';
import { DIALECTS, testApp, type TestApp } from './helpers.ts';
import { enforce, messenger, runJobs, type Messenger } from './relay-helpers.ts';
import { reverseAction } from '../src/review/index.ts';
import { sweep } from '../../relay/src/housekeeping.ts';

for (const dialect of DIALECTS) {
  describe(`decisions reach the relay by webhook (${dialect})`, () => {
    let ta: TestApp;
    let m: Messenger;
    const user = (name: string) => m.user(name, { keyPackages: 1 });
    const whois = async (token: string, id: string) =>
      (await (
        await fetch(`${m.base}/relay/v1/whois/${id}`, { headers: { authorization: `Bearer ${token}` } })
      ).json()) as { display_name: string | null; avatar_url: string | null };
    const status = (e: unknown) => (e as RelayHttpError).status;

    before(async () => {
      ta = await testApp(dialect);
      m = await messenger(ta);
    });
    after(async () => ta.close());

    it('suspend refuses the account until it expires; reversal of a ban lets it back in', async () => {
      const sue = await user('sue_enf');
      await enforce(ta, { type: 'account', id: sue.t.userId }, 'suspend', { days: 2 });
      await assert.rejects(
        new HttpRelayTransport(m.base).login('sue_enf', 'sue_enf password 123'),
        (e) => status(e) === 403 && /suspended/.test(String(e)),
      );
      assert.equal(
        (await fetch(`${m.base}/relay/v1/key-packages`, { headers: { authorization: `Bearer ${sue.token}` } })).status,
        401,
      );
      ta.clock.advance(3 * 86_400_000);
      await new HttpRelayTransport(m.base).login('sue_enf', 'sue_enf password 123');

      const bo = await user('bo_enf');
      const ban = await enforce(ta, { type: 'account', id: bo.t.userId }, 'ban');
      await assert.rejects(
        new HttpRelayTransport(m.base).login('bo_enf', 'bo_enf password 123'),
        (e) => status(e) === 403,
      );
      await reverseAction(ta.ctx.db.kysely, ban, 2, 'appeal granted', ta.clock);
      await runJobs(ta);
      await new HttpRelayTransport(m.base).login('bo_enf', 'bo_enf password 123');
    });

    it('restrict stops new groups, invite links and joins by link, not conversations', async () => {
      const rex = await user('rex_enf');
      const pal = await user('pal_enf');
      const chat = await pal.c.createConversation([]);
      const { group_id } = await pal.t.createGroup(chat, { name: 'Open group' });
      const { link } = await pal.t.invite(group_id);
      await enforce(ta, { type: 'account', id: rex.t.userId }, 'restrict');
      await assert.rejects(
        rex.t.createGroup(await rex.c.createConversation([]), { name: 'Mine' }),
        (e) => status(e) === 403,
      );
      await assert.rejects(rex.t.join(link), (e) => status(e) === 403);
      const dm = await rex.c.createConversation([pal.t.userId]);
      await rex.c.send(dm, 'still allowed to talk');
      await pal.c.sync();
    });

    it('remove photo and reset name change what the relay shows; revoke invites ends the links', async () => {
      const pia = await user('pia_enf');
      await pia.t.setProfile({ display_name: 'Pia Display', avatar_url: 'https://example.org/p.png' });
      assert.deepEqual(await whois(pia.token, pia.t.userId), {
        user_id: pia.t.userId,
        username: 'pia_enf',
        display_name: 'Pia Display',
        avatar_url: 'https://example.org/p.png',
      });
      await enforce(ta, { type: 'account', id: pia.t.userId }, 'remove_avatar');
      await enforce(ta, { type: 'account', id: pia.t.userId }, 'reset_name');
      const shown = await whois(pia.token, pia.t.userId);
      assert.equal(shown.avatar_url, null);
      assert.equal(shown.display_name, null);

      const chat = await pia.c.createConversation([]);
      const { group_id } = await pia.t.createGroup(chat, {
        name: 'Coded name',
        photo_url: 'https://example.org/g.png',
      });
      const { link } = await pia.t.invite(group_id);
      await enforce(ta, { type: 'group', id: group_id }, 'remove_avatar');
      await enforce(ta, { type: 'group', id: group_id }, 'reset_name');
      await enforce(ta, { type: 'group', id: group_id }, 'revoke_invites');
      const g = (await (
        await fetch(`${m.base}/relay/v1/groups/${group_id}`, { headers: { authorization: `Bearer ${pia.token}` } })
      ).json()) as { name: string | null; photo_url: string | null };
      assert.deepEqual([g.name, g.photo_url], [null, null]);
      const joiner = await user('jo_enf');
      await assert.rejects(joiner.t.join(link), (e) => status(e) === 410 && /revoked/.test(String(e)));
      const fresh = await pia.t.invite(group_id);
      await joiner.t.join(fresh.link); // a new link made after the revocation works
    });

    it('ban members bans each listed member (after the second approval), and the webhook is applied once', async () => {
      const own = await user('own_enf');
      const [a, b] = [await user('mem_a_enf'), await user('mem_b_enf')];
      const chat = await own.c.createConversation([]);
      const { group_id } = await own.t.createGroup(chat, { name: 'Trading room' });
      await enforce(ta, { type: 'group', id: group_id }, 'ban_members', { member_ids: [a.t.userId, b.t.userId] });
      for (const u of [a, b])
        assert.equal(
          (await fetch(`${m.base}/relay/v1/key-packages`, { headers: { authorization: `Bearer ${u.token}` } })).status,
          401,
        );
      assert.equal(
        (await fetch(`${m.base}/relay/v1/key-packages`, { headers: { authorization: `Bearer ${own.token}` } })).status,
        200,
        'the owner was not listed',
      );
      const receipts = await m.relay.ctx.db.selectFrom('messenger_webhook_receipts').select('event_id').execute();
      assert.equal(new Set(receipts.map((r) => r.event_id)).size, receipts.length);
    });

    it('events wait in the outbox while the safety service is away, and a refused event is parked with the reason', async () => {
      const serverUrl = m.relay.ctx.safety.url;
      m.relay.ctx.safety.url = 'http://127.0.0.1:9'; // nothing listens on the discard port
      try {
        const late = await user('late_enf');
        await m.relay.ctx.outbox.drain();
        const row = await m.relay.ctx.db
          .selectFrom('messenger_outbox')
          .selectAll()
          .where('event_id', '=', `relay:${late.t.userId}:created`)
          .executeTakeFirstOrThrow();
        assert.equal(row.sent_at, null);
        assert.ok(Number(row.attempts) >= 1 && /unreachable/.test(row.last_error ?? ''), row.last_error ?? '');
        m.relay.ctx.safety.url = serverUrl;
        ta.clock.advance(10 * 60_000); // past the back-off
        await runJobs(ta);
        assert.ok(
          await ta.ctx.db.kysely.selectFrom('accounts').select('id').where('id', '=', late.t.userId).executeTakeFirst(),
          'the account reached the service',
        );
      } finally {
        m.relay.ctx.safety.url = serverUrl;
      }
      // An event the service refuses (here: a NUL in a string) is parked, the rest of its batch goes through.
      await m.relay.ctx.db.transaction().execute((trx) =>
        m.relay.ctx.emit(trx, [
          { id: 'relay:test:bad', type: 'account.updated', account: { id: 'u-bad', username: 'bad\u0000name' } },
          { id: 'relay:test:good', type: 'account.updated', account: { id: 'u-good', username: 'good_name' } },
        ]),
      );
      await runJobs(ta);
      const rows = await m.relay.ctx.db
        .selectFrom('messenger_outbox')
        .select(['event_id', 'dead', 'sent_at', 'last_error'])
        .where('event_id', 'in', ['relay:test:bad', 'relay:test:good'])
        .orderBy('event_id')
        .execute();
      assert.equal(Number(rows[0]!.dead), 1);
      assert.match(rows[0]!.last_error ?? '', /NUL|U\+0000/i);
      assert.ok(rows[1]!.sent_at, 'the good event was sent');
    });

    it('keeps sent events a day, webhook receipts a week and blobs until they expire', async () => {
      const db = m.relay.ctx.db;
      const now = ta.clock.now();
      const ago = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();
      await db
        .insertInto('messenger_outbox')
        .values([
          {
            event_id: 'hk-old-sent',
            event: '{}',
            created_at: ago(3),
            attempts: 1,
            next_at: ago(3),
            last_error: null,
            sent_at: ago(2),
            dead: 0,
          },
          {
            event_id: 'hk-new-sent',
            event: '{}',
            created_at: ago(0.1),
            attempts: 1,
            next_at: ago(0.1),
            last_error: null,
            sent_at: ago(0.1),
            dead: 0,
          },
          {
            event_id: 'hk-old-unsent',
            event: '{}',
            created_at: ago(3),
            attempts: 5,
            next_at: ago(0),
            last_error: 'x',
            sent_at: null,
            dead: 0,
          },
        ])
        .execute();
      await db
        .insertInto('messenger_webhook_receipts')
        .values([
          { event_id: 'hk-r-old', type: 't', received_at: ago(8) },
          { event_id: 'hk-r-new', type: 't', received_at: ago(6) },
        ])
        .execute();
      await db
        .insertInto('messenger_blobs')
        .values([
          { id: 'hk-b-gone', owner: 'u', data: 'AA==', size: 1, created_at: ago(31), expires_at: ago(1) },
          { id: 'hk-b-live', owner: 'u', data: 'AA==', size: 1, created_at: ago(1), expires_at: ago(-29) },
        ])
        .execute();
      const r = await sweep(db, now);
      assert.ok(r.events >= 1 && r.receipts >= 1 && r.blobs >= 1, JSON.stringify(r));
      const left = async (t: 'messenger_outbox' | 'messenger_webhook_receipts', col: 'event_id', ids: string[]) =>
        (await db.selectFrom(t).select(col).where(col, 'in', ids).execute()).map((x) => x[col]).sort();
      assert.deepEqual(
        await left('messenger_outbox', 'event_id', ['hk-old-sent', 'hk-new-sent', 'hk-old-unsent']),
        ['hk-new-sent', 'hk-old-unsent'],
        'an unsent event is never dropped',
      );
      assert.deepEqual(await left('messenger_webhook_receipts', 'event_id', ['hk-r-old', 'hk-r-new']), ['hk-r-new']);
      assert.deepEqual(
        (
          await db.selectFrom('messenger_blobs').select('id').where('id', 'in', ['hk-b-gone', 'hk-b-live']).execute()
        ).map((b) => b.id),
        ['hk-b-live'],
      );
    });
  });
}
