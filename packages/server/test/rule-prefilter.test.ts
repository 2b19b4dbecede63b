// The rule pre-filter (detect/rule-language.ts ruleNeeds, mayFire): what a rule's parsed expression requires of the
// event type, subject type and signal kinds; a rule whose needs fail is not evaluated. Sound: on random expressions and
// contexts, a rule that evaluates to true always passes its pre-filter. In a batch, a rule that must fire still fires
// and a rule that cannot is never evaluated.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { CelInput } from '@bufbuild/cel';
import { testApp, silentLog, type TestApp } from './helpers.ts';
import { compileRule, emptySubject, mayFire, type RuleContext } from '../src/detect/rule-language.ts';
import { DEFAULT_RULES, saveRule } from '../src/detect/rules-store.ts';
import { ensureDefaultTermList } from '../src/detect/term-lists.ts';
import { loadRules } from '../src/detect/engine.ts';
import { ingestEvents, validateEvents } from '../src/ingest/ingest.ts';
import { Worker } from '../src/queue/worker.ts';
import { jobHandlers } from '../src/service.ts';

const needs = (expression: string) => compileRule(expression).needs;

describe('rule needs from the parsed expression', () => {
  it('reads event types, subject types and signal kinds', () => {
    assert.deepEqual(needs("signals.exists(s, s.kind == 'media.match')"), [
      [{ on: 'signal.kind', value: 'media.match' }],
    ]);
    assert.deepEqual(needs("'group' == subject.type && signals.exists(s, s.kind == 'text.term' && s.severity >= 3)"), [
      [{ on: 'subject.type', value: 'group' }],
      [{ on: 'signal.kind', value: 'text.term' }],
    ]);
    assert.deepEqual(
      needs("event.type in ['account.created', 'account.updated'] || signals.exists(s, s.kind == 'report.user')"),
      [
        [
          { on: 'event.type', value: 'account.created' },
          { on: 'event.type', value: 'account.updated' },
          { on: 'signal.kind', value: 'report.user' },
        ],
      ],
    );
    // A ternary is true only through one of its branches.
    assert.deepEqual(
      needs("subject.age_days < 7 ? event.type == 'group.member_joined' : signals.exists(s, s.kind == 'x')"),
      [
        [
          { on: 'event.type', value: 'group.member_joined' },
          { on: 'signal.kind', value: 'x' },
        ],
      ],
    );
  });

  it('requires nothing where the syntax promises nothing', () => {
    for (const e of [
      "!signals.exists(s, s.kind == 'media.match')", // negation
      "signals.all(s, s.kind == 'media.match')", // true on no signals
      "signals.exists_one(s, s.kind == 'x') || subject.username.startsWith('a')", // one side requires nothing
      "signals.filter(s, s.kind == 'x').size() > 0",
      "signals.exists(event, event.type == 'x')", // `event` here is a signal, not the event
      "[{'kind': 'x'}].exists(s, s.kind == 'x')", // not the subject's signals
      "[1].exists(signals, signals.kind == 'x')", // `signals` shadowed
      "[{'type': 'x'}].exists(event, event.type == 'x')", // `event` shadowed
      "has(event.type) && event.type != 'x'",
      "subject.username == 'x'",
    ]) {
      assert.deepEqual(needs(e), [], e);
    }
  });

  it('skips nothing unless its needs fail', () => {
    const facts = (eventType: string, subjectType: string, kinds: string[]) => ({
      eventType,
      subjectType,
      signalKinds: new Set(kinds),
    });
    const n = needs("subject.type == 'account' && signals.exists(s, s.kind == 'text.term')");
    assert.equal(mayFire(n, facts('account.created', 'account', ['text.term'])), true);
    assert.equal(mayFire(n, facts('account.created', 'account', ['media.match'])), false);
    assert.equal(mayFire(n, facts('group.created', 'group', ['text.term'])), false);
    assert.equal(mayFire(needs('true'), facts('x', 'y', [])), true);
    assert.equal(mayFire(undefined, facts('x', 'y', [])), true);
  });

  it('never skips a rule that evaluates to true (random expressions and contexts)', () => {
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const pick = <T>(xs: T[]) => xs[rnd(xs.length)]!;
    const kinds = ['a', 'b', 'c'];
    const types = ['account', 'group'];
    const events = ['account.created', 'group.created', 'group.member_joined'];
    const atom = (v: string): string =>
      pick([
        () => `event.type == '${pick(events)}'`,
        () => `'${pick(types)}' == subject.type`,
        () => `subject.type in ['${pick(types)}', '${pick(types)}']`,
        () => `${v}.exists(s, s.kind == '${pick(kinds)}' && s.severity >= ${rnd(4)})`,
        () => `${v}.exists(s, s.kind in ['${pick(kinds)}', '${pick(kinds)}'] || s.severity > 2)`,
        () => `${v}.exists(event, event.kind == '${pick(kinds)}')`,
        () => `[{'type': '${pick(events)}'}].exists(event, event.type == '${pick(events)}')`,
        () => `${v}.all(s, s.kind == '${pick(kinds)}')`,
        () => `size(${v}) > ${rnd(3)}`,
        () => `subject.age_days > ${rnd(10)}`,
        () => `${v}.exists(s, ${v}.exists(t, t.kind == '${pick(kinds)}') && s.kind == '${pick(kinds)}')`,
      ])();
    const expr = (depth: number): string => {
      if (depth === 0 || rnd(3) === 0) return atom('signals');
      return pick([
        () => `(${expr(depth - 1)} && ${expr(depth - 1)})`,
        () => `(${expr(depth - 1)} || ${expr(depth - 1)})`,
        () => `!(${expr(depth - 1)})`,
        () => `(${expr(depth - 1)} ? ${expr(depth - 1)} : ${expr(depth - 1)})`,
        () => `[{'kind': '${pick(kinds)}', 'severity': 3}].exists(signals, ${atom('[signals]')})`,
      ])();
    };
    let fired = 0;
    let skipped = 0;
    for (let i = 0; i < 400; i++) {
      const e = expr(3);
      const rule = compileRule(e);
      for (let j = 0; j < 12; j++) {
        const subjectType = pick(types);
        const signals = Array.from({ length: rnd(4) }, () => ({
          kind: pick(kinds),
          severity: rnd(4),
          summary: '',
          id: 1,
        }));
        const ctx: RuleContext = {
          event: { type: pick(events), id: 'e' },
          subject: { ...emptySubject(subjectType, 's'), age_days: rnd(10) },
          signals: signals as CelInput[],
          now: 0,
        };
        const facts = {
          eventType: (ctx.event as { type: string }).type,
          subjectType,
          signalKinds: new Set(signals.map((s) => s.kind)),
        };
        const may = mayFire(rule.needs, facts);
        if (rule(ctx).matched) {
          assert.ok(may, `${e} is true on ${JSON.stringify(ctx)} but its needs ${JSON.stringify(rule.needs)} fail`);
          fired++;
        }
        if (!may) skipped++;
      }
    }
    // The check above was exercised both ways.
    assert.ok(fired > 300, `rules fired ${fired} times`);
    assert.ok(skipped > 300, `rules skipped ${skipped} times`);
  });
});

describe('rule pre-filter in batched analysis (sqlite)', () => {
  let ta: TestApp;
  before(async () => {
    ta = await testApp('sqlite');
    ta.clock.t = new Date('2026-11-20T12:00:00Z');
  });
  after(async () => ta.close());

  it('a rule that must fire fires; a rule that cannot is never evaluated', async () => {
    const db = ta.ctx.db.kysely;
    await ensureDefaultTermList(db, ta.clock);
    const group = DEFAULT_RULES.find((r) => r.name === 'coded-terms-public-group')!;
    await saveRule(db, { ...group, name: 'must-fire' }, 'test', ta.clock);
    await saveRule(
      db,
      {
        name: 'cannot-fire',
        expression: "signals.exists(s, s.kind == 'media.match')",
        outcome: { type: 'label', label: 'never' },
      },
      'test',
      ta.clock,
    );
    // Count each rule's evaluations (the rules are compiled once per version and shared, so the batch runs these).
    const runs = new Map<string, number>();
    for (const r of await loadRules(db)) {
      const real = r.run;
      r.run = Object.assign(
        (ctx: RuleContext) => {
          runs.set(r.name, (runs.get(r.name) ?? 0) + 1);
          return real(ctx);
        },
        { needs: real.needs },
      );
    }
    const events = [
      {
        id: 'g1',
        type: 'group.created',
        occurred_at: '2026-11-20T10:00:00Z',
        group: { id: 'g1', name: 'c.p trade 🔞 links', invite_link: 'https://chat.example/j/g1' },
      },
      {
        id: 'g2',
        type: 'group.created',
        occurred_at: '2026-11-20T10:00:01Z',
        group: { id: 'g2', name: 'book club', invite_link: 'https://chat.example/j/g2' },
      },
      ...Array.from({ length: 20 }, (_, i) => ({
        id: `a${i}`,
        type: 'account.created',
        occurred_at: '2026-11-20T10:00:02Z',
        account: { id: `a${i}`, username: `reader_${i}` },
      })),
    ];
    await ingestEvents(db, 'default', validateEvents(events), ta.clock);
    const w = new Worker({
      db: ta.ctx.db,
      handlers: jobHandlers(ta.ctx.cfg),
      clock: ta.clock,
      log: silentLog,
      workerId: 'w',
      batch: 256,
      maxPartitions: 64,
    });
    while ((await w.runOnce()) > 0);

    const verdicts = await db
      .selectFrom('verdicts')
      .innerJoin('rules', 'rules.id', 'verdicts.rule_id')
      .select(['rules.name', 'verdicts.subject_id'])
      .execute();
    assert.deepEqual(verdicts, [{ name: 'must-fire', subject_id: 'g1' }]);
    assert.equal(runs.get('must-fire'), 1, 'evaluated only on the group with a coded name (text.term signal)');
    assert.equal(runs.get('cannot-fire'), undefined, 'no subject had a media.match signal');
    const analysed = await db
      .selectFrom('event_analyses')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(Number(analysed.n), events.length);
  });
});
