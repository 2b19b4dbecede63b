// GET /metrics in Prometheus text format, read back with a Prometheus text-format parser: the series an operator
// needs are present and move with the work done; who may read them follows metrics.access; a worker's metrics port.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { DIALECTS, apiKey, openTestDb, silentLog, testApp, testConfig, type TestApp } from './helpers.ts';
import { Worker } from '../src/queue/worker.ts';
import { jobHandlers } from '../src/service.ts';
import { ensureDefaultRules, saveRule } from '../src/detect/rules-store.ts';
import { emitWebhook, deliverDue } from '../src/webhooks/outbox.ts';
import { startWorkerService } from '../src/worker-service.ts';
import { freePort } from './process.ts';

type Family = { name: string; type: string; metrics: { value?: string; labels?: Record<string, string> }[] };
type Scrape = { families: Map<string, Family>; text: string };

function parse(text: string): Scrape {
  return { families: new Map((parsePrometheusTextFormat(text) as Family[]).map((f) => [f.name, f])), text };
}

async function scrape(ta: TestApp, headers: Record<string, string> = {}): Promise<Scrape> {
  const res = await ta.app.inject({ method: 'GET', url: '/metrics', headers });
  assert.equal(res.statusCode, 200, res.body);
  assert.match(String(res.headers['content-type']), /^text\/plain/);
  return parse(res.body);
}

/**
 * A counter's or gauge's value summed over the series whose labels include `labels` (0 when it has none yet); for a
 * histogram, its observation count. The parser folds a labelled histogram's series together, so histogram counts
 * are read from their `_count` sample lines.
 */
function value(m: Scrape, name: string, labels: Record<string, string> = {}): number {
  const f = m.families.get(name);
  assert.ok(f, `series ${name} is present`);
  const want = (l: Record<string, string> | undefined) => Object.entries(labels).every(([k, v]) => l?.[k] === v);
  if (f.type === 'HISTOGRAM') {
    let n = 0;
    for (const line of m.text.split('\n')) {
      const x = line.match(new RegExp(`^${name}_count(?:\\{(.*)\\})? (\\S+)$`));
      if (!x) continue;
      const l = Object.fromEntries([...(x[1] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((y) => [y[1]!, y[2]!]));
      if (want(l)) n += Number(x[2]);
    }
    return n;
  }
  return f.metrics.filter((x) => want(x.labels)).reduce((a, x) => a + Number(x.value ?? 0), 0);
}

for (const dialect of DIALECTS) {
  describe(`metrics (${dialect})`, () => {
    let ta: TestApp;
    let key: string;
    before(async () => {
      ta = await testApp(dialect, { webhooks: { maxAttempts: 3, timeoutMs: 500, allowPrivateTargets: true } });
      await ensureDefaultRules(ta.ctx.db.kysely, ta.clock);
      await saveRule(
        ta.ctx.db.kysely,
        {
          name: 'bakers',
          expression: "subject.type == 'account' && subject.username == 'baker'",
          outcome: { type: 'review', queue: 'default', priority: 10, reason: 'bakers' },
          mode: 'active',
        },
        'test',
        ta.clock,
      );
      key = await apiKey(ta, ['ingest']);
    });
    after(async () => ta.close());

    const post = (events: unknown[]) =>
      ta.app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: { authorization: `Bearer ${key}` },
        payload: { events },
      });

    it('counts accepted, duplicate and refused events; queue depth; analysis; signals; verdicts; HTTP durations; webhooks', async () => {
      const m0 = await scrape(ta);
      const at = new Date().toISOString();
      const events = [
        {
          id: 'g1',
          type: 'group.created',
          occurred_at: at,
          group: { id: 'grp-1', name: 'c.p trade 🔞 links', invite_link: 'https://chat.example/j/1' },
        },
        { id: 'a1', type: 'account.created', occurred_at: at, account: { id: 'u-1', username: 'cp_links_dm' } },
        { id: 'a2', type: 'account.created', occurred_at: at, account: { id: 'u-2', username: 'baker' } },
        {
          id: 'r1',
          type: 'report.filed',
          occurred_at: at,
          report: { id: 'rep-1', reporter_id: 'u-1', subject: { type: 'account', id: 'u-2' }, reason: 'spam' },
        },
        {
          id: 'm1',
          type: 'media.shared',
          occurred_at: at,
          account_id: 'u-2',
          surface: 'public_post',
          media: { id: 'med-1', sha256: 'a'.repeat(64) },
        },
      ];
      assert.equal((await post(events)).statusCode, 200);
      assert.equal((await post(events.slice(0, 1))).statusCode, 200); // a replay
      assert.equal(
        (
          await post([
            { id: 'bad', type: 'account.created', occurred_at: at },
            { id: 'x', type: 'no.such.type' },
          ])
        ).statusCode,
        400,
      );

      const m1 = await scrape(ta);
      assert.equal(
        value(m1, 'vigil_events_accepted_total', { type: 'account.created' }) -
          value(m0, 'vigil_events_accepted_total', { type: 'account.created' }),
        2,
      );
      assert.equal(
        value(m1, 'vigil_events_accepted_total', { type: 'group.created' }) -
          value(m0, 'vigil_events_accepted_total', { type: 'group.created' }),
        1,
      );
      assert.equal(
        value(m1, 'vigil_events_duplicate_total', { type: 'group.created' }) -
          value(m0, 'vigil_events_duplicate_total', { type: 'group.created' }),
        1,
      );
      assert.equal(
        value(m1, 'vigil_events_refused_total', { type: 'account.created' }) -
          value(m0, 'vigil_events_refused_total', { type: 'account.created' }),
        1,
      );
      assert.equal(
        value(m1, 'vigil_events_refused_total', { type: 'unknown' }) -
          value(m0, 'vigil_events_refused_total', { type: 'unknown' }),
        1,
      );
      // Four events wait to be applied: the queue gauges come from the shared database.
      assert.equal(value(m1, 'vigil_queue_depth', { kind: 'event.apply' }), 5);
      assert.ok(value(m1, 'vigil_queue_oldest_age_seconds', { kind: 'event.apply' }) >= 0);
      assert.equal(
        value(m1, 'vigil_http_request_duration_seconds', { route: '/v1/events', status: '200' }) -
          value(m0, 'vigil_http_request_duration_seconds', { route: '/v1/events', status: '200' }),
        2,
        'ingest requests are timed by route template',
      );
      assert.equal(
        value(m1, 'vigil_http_request_duration_seconds', { route: '/v1/events', status: '400' }) -
          value(m0, 'vigil_http_request_duration_seconds', { route: '/v1/events', status: '400' }),
        1,
      );

      const w = new Worker({
        db: ta.ctx.db,
        handlers: jobHandlers(ta.ctx.cfg),
        clock: ta.clock,
        log: silentLog,
        workerId: 'metrics-test',
      });
      while ((await w.runOnce()) > 0);
      const m2 = await scrape(ta);
      assert.equal(value(m2, 'vigil_queue_depth', { kind: 'event.apply' }), 0);
      assert.equal(value(m2, 'vigil_queue_depth', { kind: 'event.analyze' }), 0);
      assert.ok(value(m2, 'vigil_job_batch_size') > value(m1, 'vigil_job_batch_size'), 'batch sizes observed');
      assert.equal(
        value(m2, 'vigil_analysis_duration_seconds') - value(m1, 'vigil_analysis_duration_seconds'),
        5,
        'one analysis per event',
      );
      assert.equal(
        value(m2, 'vigil_signals_total', { kind: 'report.user' }) -
          value(m1, 'vigil_signals_total', { kind: 'report.user' }),
        1,
        'the report is a signal',
      );
      assert.ok(
        value(m2, 'vigil_verdicts_total', { outcome: 'review', mode: 'active' }) >
          value(m1, 'vigil_verdicts_total', { outcome: 'review', mode: 'active' }),
        'verdicts counted',
      );
      assert.equal(
        value(m2, 'vigil_matcher_queries_total') - value(m1, 'vigil_matcher_queries_total'),
        1,
        'one media event, one matcher query',
      );
      assert.ok(
        value(m2, 'vigil_analyser_duration_seconds', { analyser: 'text' }) >
          value(m1, 'vigil_analyser_duration_seconds', { analyser: 'text' }),
      );

      // A webhook to a closed port: the failed attempt is counted as a retry.
      const port = await freePort();
      await ta.ctx.db.kysely
        .insertInto('webhook_endpoints')
        .values({
          url: `http://127.0.0.1:${port}/hook`,
          secret: 'whsec_test',
          events: '*',
          enabled: 1,
          created_at: new Date().toISOString(),
        })
        .execute();
      await emitWebhook(ta.ctx.db.kysely, 'test.ping', {}, ta.clock);
      assert.equal(
        await deliverDue({ db: ta.ctx.db, clock: ta.clock, log: silentLog, maxAttempts: 3, timeoutMs: 500 }),
        1,
      );
      const m3 = await scrape(ta);
      assert.equal(
        value(m3, 'vigil_webhook_deliveries_total', { outcome: 'retry' }) -
          value(m2, 'vigil_webhook_deliveries_total', { outcome: 'retry' }),
        1,
      );
      for (const name of ['vigil_stream_consumer_lag', 'vigil_partition_depth', 'vigil_process_cpu_user_seconds_total'])
        assert.ok(m3.families.has(name), `${name} is exposed`);
    });

    it('serves /metrics only as metrics.access allows', async () => {
      const cfg = ta.ctx.cfg.metrics;
      try {
        // The default: loopback callers only.
        assert.equal(
          (await ta.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '10.1.2.3' })).statusCode,
          403,
        );
        assert.equal((await ta.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '::1' })).statusCode, 200);
        ta.ctx.cfg.metrics = { access: 'off' };
        assert.equal((await ta.app.inject({ method: 'GET', url: '/metrics' })).statusCode, 404);
        ta.ctx.cfg.metrics = { access: 'token', token: 'prometheus-scraper-token' };
        assert.equal((await ta.app.inject({ method: 'GET', url: '/metrics' })).statusCode, 403);
        assert.equal(
          (
            await ta.app.inject({
              method: 'GET',
              url: '/metrics',
              headers: { authorization: 'Bearer prometheus-scraper-tokeX' },
            })
          ).statusCode,
          403,
        );
        const ok = await ta.app.inject({
          method: 'GET',
          url: '/metrics',
          remoteAddress: '10.1.2.3',
          headers: { authorization: 'Bearer prometheus-scraper-token' },
        });
        assert.equal(ok.statusCode, 200);
      } finally {
        ta.ctx.cfg.metrics = cfg;
      }
    });

    it('/readyz reports the database and, when configured, the stream', async () => {
      const r = await ta.app.inject({ method: 'GET', url: '/readyz' });
      assert.equal(r.statusCode, 200);
      assert.deepEqual(r.json(), { status: 'ready', database: dialect });
      ta.ctx.stream = {
        url: 'nats://127.0.0.1:1',
        ping: async () => {
          throw new Error('connection refused');
        },
      };
      try {
        const down = await ta.app.inject({ method: 'GET', url: '/readyz' });
        assert.equal(down.statusCode, 503);
        assert.equal(down.json().stream, 'unreachable');
        assert.match(down.json().error, /stream: connection refused/);
        ta.ctx.stream = { url: 'nats://127.0.0.1:4222', ping: async () => {} };
        assert.deepEqual((await ta.app.inject({ method: 'GET', url: '/readyz' })).json(), {
          status: 'ready',
          database: dialect,
          stream: 'ok',
        });
      } finally {
        delete ta.ctx.stream;
      }
    });
  });
}

describe('worker metrics port', () => {
  it('serves /metrics and /readyz from `vigil worker`', async () => {
    const t = await openTestDb('sqlite');
    const svc = await startWorkerService(testConfig(t), { log: silentLog, metricsPort: await freePort() });
    try {
      const ready = await fetch(`${svc.metricsUrl}/readyz`);
      assert.equal(ready.status, 200);
      assert.deepEqual(await ready.json(), { status: 'ready', database: 'sqlite' });
      const res = await fetch(`${svc.metricsUrl}/metrics`);
      assert.equal(res.status, 200);
      const m = parse(await res.text());
      for (const name of ['vigil_queue_depth', 'vigil_job_batch_size', 'vigil_analysis_duration_seconds'])
        assert.ok(m.families.has(name), `${name} is exposed`);
      assert.equal((await fetch(`${svc.metricsUrl}/nope`)).status, 404);
    } finally {
      await svc.stop();
      await t.cleanup();
    }
  });
});
