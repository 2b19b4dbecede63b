// Bundled for the browser by browser.test.ts: a conversation, an attachment and a verified report,
// run entirely in the page (WebCrypto and noble, no Node APIs).
import { MemoryRelay, VigilClient, verifyReport } from '../src/index.ts';

async function run() {
  const { relay, verifying, sourcePublicKey } = MemoryRelay.withFreshKeys();
  const alice = new VigilClient('alice', relay, { relaySourcePublicKey: sourcePublicKey });
  const bob = new VigilClient('bob', relay, { relaySourcePublicKey: sourcePublicKey });
  await bob.publishKeyPackages(1);
  const chat = await alice.createConversation(['bob']);
  await bob.sync();
  const file = new TextEncoder().encode('generated in the browser');
  await alice.send(chat, 'hello from a browser', [{ bytes: file, mime: 'text/plain' }]);
  const [m] = await bob.sync();
  const opened = new TextDecoder().decode(await bob.openAttachment(m!));
  const report = bob.buildReport(chat, [m!.id]);
  return {
    body: m!.body,
    opened,
    status: verifyReport(JSON.parse(JSON.stringify(report)), verifying).status,
    secure: globalThis.isSecureContext,
  };
}

(globalThis as { vigilBrowserRun?: typeof run }).vigilBrowserRun = run;
