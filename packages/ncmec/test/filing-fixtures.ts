// What the filer's tests share: NCMEC's local stand-in with test credentials, a client for it, and
// generated files to upload (bytes of text, never images).
import { CyberTiplineClient, findXsd, type FilingFile } from '../src/index.ts';
import { startFakeCyberTipline, type FakeCyberTipline } from '../src/fake/server.ts';

export const startTestCyberTipline = (): Promise<FakeCyberTipline> =>
  startFakeCyberTipline({ username: 'esp-test', password: 'test-secret', xsdPath: findXsd() });

export function testClient(
  fake: FakeCyberTipline,
  o: { password?: string; timeoutMs?: number } = {},
): CyberTiplineClient {
  return new CyberTiplineClient({
    baseUrl: fake.url,
    username: 'esp-test',
    password: o.password ?? 'test-secret',
    timeoutMs: o.timeoutMs ?? 15_000,
    retries: 2,
  });
}

export const testFiles = (n: number): FilingFile[] =>
  Array.from({ length: n }, (_, i) => ({
    key: `vault-${i}`,
    name: `IMG_000${i}.png`,
    bytes: async () => new TextEncoder().encode(`generated test bytes ${i}`),
    details: {
      originalFileName: `IMG_000${i}.png`,
      fileViewedByEsp: i === 0,
      publiclyAvailable: true,
      originalFileHashes: [{ hashType: 'MD5', value: 'd41d8cd98f00b204e9800998ecf8427e' }],
    },
  }));
