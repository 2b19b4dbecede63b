// The stream's configuration: off by default, the URL from --stream or VIGIL_STREAM checked with a clear message.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig, withStreamUrl } from '../src/config.ts';
import { isVigilError } from '../src/errors.ts';

describe('stream configuration', () => {
  it('is off unless a URL is given, with defaults every process shares', () => {
    const cfg = loadConfig({ env: {} });
    assert.equal(cfg.stream.url, undefined);
    assert.equal(cfg.stream.name, 'VIGIL_EVENTS');
    assert.equal(cfg.stream.partitions, 64);
  });

  it('takes the URL and name from the environment and the URL from --stream', () => {
    const cfg = loadConfig({ env: { VIGIL_STREAM: 'nats://127.0.0.1:4222', VIGIL_STREAM_NAME: 'EVENTS_A' } });
    assert.equal(cfg.stream.url, 'nats://127.0.0.1:4222');
    assert.equal(cfg.stream.name, 'EVENTS_A');
    assert.equal(
      withStreamUrl(loadConfig({ env: {} }), 'nats://a:4222,nats://b:4222').stream.url,
      'nats://a:4222,nats://b:4222',
    );
  });

  it('refuses a URL that is not nats:// and a name JetStream cannot take, naming the source', () => {
    assert.throws(
      () => withStreamUrl(loadConfig({ env: {} }), 'http://127.0.0.1:4222'),
      (e: Error) =>
        isVigilError(e, 'invalid_config') && /stream\.url: must be a nats:\/\/ URL.*flag --stream/.test(e.message),
    );
    assert.throws(
      () => loadConfig({ env: { VIGIL_STREAM_NAME: 'a.b' } }),
      (e: Error) => isVigilError(e, 'invalid_config') && /stream\.name.*VIGIL_STREAM_NAME/.test(e.message),
    );
  });
});
