// Schema problems located at the element they are about, so an editor can show each one next to its field.
// libxml2 reports a line number; the builder writes a document on one line, so it is validated with one tag per
// line (text and attribute values are escaped, so `><` only ever occurs between tags) and each line is mapped
// to the path of elements open on it, with each element's position among its same-named siblings.
import { readFileSync } from 'node:fs';
import { validateXML } from 'xmllint-wasm';
import { findXsd } from './validate.ts';

export interface LocatedProblem {
  /** Elements from the root, e.g. `report/personOrUserReported[1]/ipCaptureEvent[0]/ipAddress[0]`. */
  element: string;
  /** The same as a list of [name, index] steps. */
  steps: [string, number][];
  message: string;
}

const TAG = /^<(\/?)([A-Za-z_][\w.-]*)[^>]*?(\/?)>/;

/** Splits a builder document one tag per line and records the element path at the start of each line. */
function lineMap(xml: string): { text: string; paths: [string, number][][] } {
  const lines = xml.replace(/></g, '>\n<').split('\n');
  const paths: [string, number][][] = [];
  const stack: { name: string; counts: Map<string, number> }[] = [{ name: '', counts: new Map() }];
  const here: [string, number][] = [];
  for (const line of lines) {
    const m = TAG.exec(line);
    if (!m || line.startsWith('<?')) {
      paths.push([...here]);
      continue;
    }
    const [, close, name, selfClose] = m;
    if (close) {
      paths.push([...here]);
      stack.pop();
      here.pop();
      continue;
    }
    const parent = stack[stack.length - 1]!;
    const n = parent.counts.get(name!) ?? 0;
    parent.counts.set(name!, n + 1);
    here.push([name!, n]);
    paths.push([...here]);
    // `<a>text</a>` and `<a/>` open and close on the same line.
    if (selfClose || line.includes(`</${name}>`)) here.pop();
    else stack.push({ name: name!, counts: new Map() });
  }
  return { text: lines.join('\n'), paths };
}

let cached: { path: string; contents: string } | null = null;

/**
 * Validates documents made by `reportXml` or `fileDetailsXml` and says which element each problem is about, per
 * document. All documents go through libxml2 in one call (each call starts a worker thread).
 */
export async function locateProblemsIn(xmls: string[], xsdPath = findXsd()): Promise<LocatedProblem[][]> {
  if (!xmls.length) return [];
  if (cached?.path !== xsdPath) cached = { path: xsdPath, contents: readFileSync(xsdPath, 'utf8') };
  const maps = xmls.map(lineMap);
  const r = await validateXML({
    xml: maps.map((m, i) => ({ fileName: `doc${i}.xml`, contents: m.text })),
    schema: [{ fileName: 'cyber_tipline.xsd', contents: cached.contents }],
  });
  const out: LocatedProblem[][] = xmls.map(() => []);
  if (r.valid) return out;
  for (const e of r.errors) {
    // Each failing document also gets a bare "docN.xml fails to validate": its real problems are listed already.
    if (!e.loc && / fails to validate$/.test(e.rawMessage.trim())) continue;
    const doc = Number(/^doc(\d+)\.xml/.exec(e.loc?.fileName ?? e.rawMessage)?.[1] ?? 0);
    const steps = e.loc ? (maps[doc]?.paths[e.loc.lineNumber - 1] ?? []) : [];
    // libxml2 names the element first ("Element 'x': …"); the path already says where it is.
    const message = e.message
      .trim()
      .replace(/^Schemas validity error : /, '')
      .replace(/^Element '[^']+': (?:\[facet '[^']+'\] )?/, '')
      .replace(/ \{'/, ": '")
      .replace(/'\}\.$/, "'.");
    out[doc]!.push({ element: steps.map(([n, i]) => `${n}[${i}]`).join('/'), steps, message });
  }
  return out;
}

/** One document's problems (see `locateProblemsIn`). */
export async function locateProblems(xml: string, xsdPath = findXsd()): Promise<LocatedProblem[]> {
  return (await locateProblemsIn([xml], xsdPath))[0]!;
}
