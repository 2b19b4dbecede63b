// XSD validation with libxml2 (xmllint compiled to WASM): every document is checked before it is sent.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateXML } from 'xmllint-wasm';

export class NcmecValidationError extends Error {
  override name = 'NcmecValidationError';
  constructor(readonly problems: string[]) {
    super(
      `the document does not validate against NCMEC's schema: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? ` (+${problems.length - 5} more)` : ''}`,
    );
  }
}

/** The schema shipped with this package (schema/README.md says where it came from). */
const BUNDLED_XSD = fileURLToPath(new URL('../schema/cyber_tipline.xsd', import.meta.url));

/** The XSD: VIGIL_NCMEC_XSD when set (a newer schema fetched from NCMEC), else the bundled copy. */
export function findXsd(): string {
  const path = process.env.VIGIL_NCMEC_XSD ? resolve(process.env.VIGIL_NCMEC_XSD) : BUNDLED_XSD;
  if (!existsSync(path))
    throw new Error(`NCMEC's schema not found at ${path}${process.env.VIGIL_NCMEC_XSD ? ' (VIGIL_NCMEC_XSD)' : ''}`);
  return path;
}

let cached: { path: string; contents: string } | null = null;

export async function validateNcmecXml(xml: string, xsdPath = findXsd()): Promise<void> {
  if (cached?.path !== xsdPath) cached = { path: xsdPath, contents: readFileSync(xsdPath, 'utf8') };
  const r = await validateXML({
    xml: [{ fileName: 'report.xml', contents: xml }],
    schema: [{ fileName: 'cyber_tipline.xsd', contents: cached.contents }],
  });
  if (!r.valid)
    throw new NcmecValidationError(
      r.errors.map((e) => (e.loc ? `line ${e.loc.lineNumber}: ${e.message}` : e.message).trim()),
    );
}
