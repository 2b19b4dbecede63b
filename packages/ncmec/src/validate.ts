// XSD validation with libxml2 (xmllint compiled to WASM): every document is checked before it is sent.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateXML } from 'xmllint-wasm';

export class NcmecValidationError extends Error {
  override name = 'NcmecValidationError';
  constructor(readonly problems: string[]) {
    super(`the document does not validate against NCMEC's schema: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? ` (+${problems.length - 5} more)` : ''}`);
  }
}

/** The XSD: VIGIL_NCMEC_XSD, else shared/spec/ncmec/cyber_tipline.xsd found by walking up from here. */
export function findXsd(): string {
  const env = process.env.VIGIL_NCMEC_XSD;
  if (env) return resolve(env);
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    for (const candidate of [join(dir, 'shared/spec/ncmec/cyber_tipline.xsd'), join(dir, 'spec/ncmec/cyber_tipline.xsd')]) if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error("NCMEC's schema not found: set VIGIL_NCMEC_XSD to cyber_tipline.xsd");
}

let cached: { path: string; contents: string } | null = null;

export async function validateNcmecXml(xml: string, xsdPath = findXsd()): Promise<void> {
  if (cached?.path !== xsdPath) cached = { path: xsdPath, contents: readFileSync(xsdPath, 'utf8') };
  const r = await validateXML({ xml: [{ fileName: 'report.xml', contents: xml }], schema: [{ fileName: 'cyber_tipline.xsd', contents: cached.contents }] });
  if (!r.valid) throw new NcmecValidationError(r.errors.map((e) => (e.loc ? `line ${e.loc.lineNumber}: ${e.message}` : e.message).trim()));
}
