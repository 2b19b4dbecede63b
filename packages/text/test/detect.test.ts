import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { detect, evaluate, parseTsv, parseTermList, DEFAULT_TERM_LIST as L, TermListError } from '../src/index.ts';
import { TsvError } from '../src/evaluate.ts';

describe('coded-term detection', () => {
  it('flags coded terms with trading context, in every disguise', () => {
    for (const [text, surface] of [
      ['c.p trade 🔞 links', 'group_name'],
      ['ⓒⓟ trade', 'group_name'],
      ['с р links', 'group_name'],
      ['n0l1m1ts_trade', 'username'],
      ['tabooooo vids', 'display_name'],
      ['t a b o o swap', 'group_name'],
      ['c\u200Bp tr\u200Dade', 'group_name'],
      ['cplinks', 'username'],
      ['map aam', 'group_name'],
    ] as const)
      assert.ok(detect(text, surface, L).flagged, text);
  });
  it('leaves hard negatives clean', () => {
    for (const [text, surface] of [
      ['CP Rail fans', 'group_name'],
      ['cpp developers', 'group_name'],
      ['Road Map Club', 'group_name'],
      ['Taboo board game night', 'group_name'],
      ['No Limits Fitness', 'group_name'],
      ['Perval Street', 'group_name'],
      ['perverse incentives', 'group_name'],
      ['cp', 'username'],
      ['swap pics', 'group_name'],
    ] as const)
      assert.ok(!detect(text, surface, L).flagged, text);
  });
  it('explains every hit: term, original span, normalised form, steps and context', () => {
    const text = 'New: Ⓒ.Ⓟ tr4de 🔞 links';
    const d = detect(text, 'group_name', L);
    const [h] = d.hits;
    assert.equal(h!.term, 'cp');
    assert.equal(h!.category, 'csam-reference');
    assert.equal(h!.original, 'Ⓒ.Ⓟ');
    assert.equal(text.slice(h!.span.start, h!.span.end), 'Ⓒ.Ⓟ');
    assert.equal(h!.normalised, 'cp');
    assert.deepEqual(h!.steps.sort(), ['case', 'nfkc', 'separators']);
    assert.deepEqual(
      h!.context.map((c) => [c.term, c.original]),
      [
        ['trade', 'tr4de'],
        ['links', 'links'],
      ],
    );
  });
  it('needs context near the term in long texts', () => {
    const far =
      'We talk about cp, the railway company of Canada, every week. Also we list train timetables, photos of stations and many useful links.';
    assert.ok(!detect(far, 'group_description', L).flagged);
    assert.ok(detect('cp links here', 'group_description', L).flagged);
  });
  it('validates term lists with clear errors', () => {
    assert.throws(
      () => parseTermList({ name: 'x', version: 1, terms: [{ term: 'a', kind: 'secret', category: 'c', weight: 1 }] }),
      (e: unknown) => e instanceof TermListError && /terms\.0\.kind/.test((e as Error).message),
    );
  });
});

describe('evaluation on the development set', () => {
  const dev = readFileSync(fileURLToPath(new URL('../eval/dev.tsv', import.meta.url)), 'utf8');
  it('keeps precision and recall at or above 95% on at least 300 cases', () => {
    const rows = parseTsv(dev);
    assert.ok(rows.length >= 300, `${rows.length} rows`);
    assert.ok(rows.some((r) => r.expected === 'clean') && rows.some((r) => r.expected === 'flag'));
    const r = evaluate(rows, L);
    assert.ok(r.precision >= 0.95, `precision ${r.precision}`);
    assert.ok(r.recall >= 0.95, `recall ${r.recall}`);
  });
  it('explains malformed TSV by line', () => {
    assert.throws(
      () => parseTsv('text\tsurface\nx\tusername\n'),
      (e: unknown) => e instanceof TsvError && /no "expected" column/.test((e as Error).message),
    );
    assert.throws(() => parseTsv('text\tsurface\texpected\nx\tforum\tflag\n'), /line 2: surface "forum"/);
    assert.throws(() => parseTsv('text\tsurface\texpected\nx\tusername\tmaybe\n'), /line 2: expected must be/);
  });
});
