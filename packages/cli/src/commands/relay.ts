import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import pino from 'pino';
import { DEFAULT_LIMITS, relayKeysFrom, startRelayServer, type RelayKeysConfig, type RelayOptions } from '@vigil/relay';
import { fatal } from '../options.ts';
import { stopOnSignals } from './serve.ts';

const need = (v: string | undefined, what: string): string => {
  if (!v) throw new Error(`${what} is required`);
  return v;
};

/**
 * `vigil relay`: the reference messenger's relay in a process of its own, integrated with a safety service
 * exactly as any platform is — events through its API with a platform key, decisions through its signed
 * webhooks (register `<this relay's URL>/relay/v1/webhooks/vigil` with POST /v1/webhooks).
 */
export function relayCommand(program: Command) {
  program
    .command('relay')
    .description(
      "run the reference messenger's relay on its own: events to the safety service's API, decisions back by signed webhook",
    )
    .option('--safety-url <url>', 'the safety service (env VIGIL_SAFETY_URL)')
    .option(
      '--database <path-or-url>',
      'SQLite file or postgres://… (env VIGIL_RELAY_DATABASE, default ./data/relay.db)',
    )
    .option(
      '--config <file>',
      "JSON {limits, maxBlobBytes, blobTtlDays, cacheTtlMs} (env VIGIL_RELAY_CONFIG); limits as in the safety service's relay.limits",
    )
    .option(
      '--keys <file>',
      'JSON {frankingKeys, sourceKeys}: the same keys the safety service verifies reports with (env VIGIL_RELAY_KEYS)',
    )
    .option('--platform <id>', 'the API key\'s platform id (env VIGIL_RELAY_PLATFORM, default "default")')
    .option('--host <host>', 'listen address (env HOST, default 127.0.0.1)')
    .option('--port <port>', 'listen port (env PORT, default 3001)')
    .option(
      '--trust-proxy <addresses>',
      'load balancer addresses whose X-Forwarded-For is believed (env VIGIL_TRUST_PROXY)',
    )
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (env LOG_LEVEL, default info)')
    .addHelpText(
      'after',
      '\nSecrets come from the environment only: VIGIL_RELAY_API_KEY (a platform key with the ingest and relay scopes) and VIGIL_RELAY_WEBHOOK_SECRET (shown once when the webhook endpoint was created).',
    )
    .action(async (opts) => {
      try {
        const env = process.env;
        const keysFile = need(opts.keys ?? env.VIGIL_RELAY_KEYS, '--keys (or VIGIL_RELAY_KEYS)');
        if (!existsSync(keysFile)) throw new Error(`keys file not found: ${keysFile}`);
        let keys: RelayKeysConfig;
        try {
          keys = JSON.parse(readFileSync(keysFile, 'utf8')) as RelayKeysConfig;
        } catch (e) {
          throw new Error(`keys file ${keysFile} is not valid JSON: ${(e as Error).message}`);
        }
        const configFile = opts.config ?? env.VIGIL_RELAY_CONFIG;
        let extra: Partial<Pick<RelayOptions, 'limits' | 'maxBlobBytes' | 'blobTtlDays' | 'cacheTtlMs'>> = {};
        if (configFile) {
          if (!existsSync(configFile)) throw new Error(`config file not found: ${configFile}`);
          try {
            extra = JSON.parse(readFileSync(configFile, 'utf8'));
          } catch (e) {
            throw new Error(`config file ${configFile} is not valid JSON: ${(e as Error).message}`);
          }
          const unknown = Object.keys(extra).filter(
            (k) => !['limits', 'maxBlobBytes', 'blobTtlDays', 'cacheTtlMs'].includes(k),
          );
          if (unknown.length) throw new Error(`config file ${configFile}: unknown setting(s) ${unknown.join(', ')}`);
          const badLimits = Object.keys(extra.limits ?? {}).filter((k) => !(k in DEFAULT_LIMITS));
          if (badLimits.length)
            throw new Error(
              `config file ${configFile}: unknown limit(s) ${badLimits.join(', ')}; known: ${Object.keys(DEFAULT_LIMITS).join(', ')}`,
            );
        }
        const port = Number(opts.port ?? env.PORT ?? 3001);
        if (!Number.isInteger(port) || port < 0 || port > 65535)
          throw new Error(`--port must be a port number (got "${opts.port}")`);
        const log = pino({ level: opts.logLevel ?? env.LOG_LEVEL ?? 'info' });
        const srv = await startRelayServer({
          safety: {
            url: need(opts.safetyUrl ?? env.VIGIL_SAFETY_URL, '--safety-url (or VIGIL_SAFETY_URL)'),
            apiKey: need(env.VIGIL_RELAY_API_KEY, 'VIGIL_RELAY_API_KEY'),
          },
          webhookSecret: need(env.VIGIL_RELAY_WEBHOOK_SECRET, 'VIGIL_RELAY_WEBHOOK_SECRET'),
          database: opts.database ?? env.VIGIL_RELAY_DATABASE ?? './data/relay.db',
          keys: relayKeysFrom(keys),
          platform: opts.platform ?? env.VIGIL_RELAY_PLATFORM ?? 'default',
          host: opts.host ?? env.HOST ?? '127.0.0.1',
          port,
          trustProxy: opts.trustProxy ?? env.VIGIL_TRUST_PROXY ?? false,
          log,
          ...extra,
        });
        log.info({ url: srv.url }, 'relay listening');
        stopOnSignals(srv.close);
      } catch (e) {
        fatal(e);
      }
    });
}
