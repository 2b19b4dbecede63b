// Kinds that combine, context that clears, the normalisation gaps from issue #20, list compatibility, and
// the figures on the independent evaluation set (dev and test).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  detect,
  evaluate,
  normalise,
  parseTermList,
  parseTsv,
  recallByNote,
  DEFAULT_TERM_LIST as L,
  type Surface,
} from '../src/index.ts';
import { pipeline } from '../src/normalise.ts';

const flagged = (text: string, surface: Surface = 'group_name') => detect(text, surface, L).flagged;

describe('combinations declared in the list', () => {
  it('flags the misses named in the issue', () => {
    for (const [text, surface] of [
      ['BabyAbuse', 'username'],
      ['baby abuse vids trade', 'group_name'],
      ['young pics swap', 'group_name'],
      ['kidslinks', 'username'],
      ['cccppp links', 'group_name'],
      ['t4b_00 links', 'username'],
      ['minor attracted person', 'bio'],
      ['pthc', 'username'],
      ['13yo nudes', 'display_name'],
      ['12 y/o pics trade', 'group_name'],
      ['thechildlover', 'username'],
      ['boylover12', 'username'],
    ] as const)
      assert.ok(flagged(text, surface), text);
  });
  it('combines minor indicators and exchange words in ten languages', () => {
    for (const text of [
      'niñas fotos intercambio',
      'troca de fotos novinhas',
      'échange photos enfants',
      'Kinder Bilder Tausch',
      'scambio foto bambine',
      'tukar foto anak',
      'обмен фото детей',
      'تبادل صور أطفال',
      'बच्चों के फोटो exchange',
      'kids pics trade',
    ]) {
      assert.ok(flagged(text), text);
    }
  });
  it('keeps hobby, medical, parenting and protection names clean, and says why', () => {
    for (const [text, surface] of [
      ['Minecraft map trade', 'group_name'],
      ['D&D battle map swap', 'group_name'],
      ['CP Rail fans', 'group_name'],
      ['cpp trade', 'group_name'],
      ['cccppp', 'username'],
      ['Pokemon GO trade 2500 CP', 'group_name'],
      ['cerebral palsy (CP) kids support links', 'group_description'],
      ['Stop child abuse', 'group_name'],
      ['baby clothes swap', 'group_name'],
      ['student exchange program photos', 'group_description'],
      ['Taboo board game night', 'group_name'],
      ['Que pedo banda', 'group_name'],
      ['Gothic Lolita fashion swap', 'group_name'],
      ['Карта метро Москвы', 'group_name'],
      ['Troca de figurinhas', 'group_name'],
    ] as const)
      assert.ok(!flagged(text, surface), text);
    const d = detect('Minecraft map trade', 'group_name', L);
    assert.equal(d.cleared.length, 1);
    assert.deepEqual(
      d.cleared[0]!.domain.map((x) => [x.category, x.original, x.weight]),
      [['gaming', 'Minecraft', 2]],
    );
    assert.match(d.cleared[0]!.explanation, /lowered by gaming context "Minecraft" \(−2\); score 1 < 3/);
  });
  it('keeps ordinary names that mention children, media and links clean (written after the first test run, tuned on)', () => {
    for (const [text, surface] of [
      ['Mom of 2 kids, love photos, DM for collabs', 'bio'],
      ['Baby photography studio | bookings via link', 'bio'],
      ['Baby Shark video links', 'group_name'],
      ['babyphotos_by_anna', 'username'],
      ['young_and_free_pics', 'username'],
      ['Kinderfotos vom Sommerfest, Link in Bio', 'bio'],
      ['Fotos de niños del cole, intercambio de cromos', 'group_name'],
      ['foto anak TK, link drive', 'group_description'],
      ['बच्चों के फोटो स्कूल फंक्शन link', 'group_description'],
      ['MAP trading for collectors (minimum advertised price)', 'group_name'],
      ['Kid Cudi fan pics trade', 'group_name'],
      ['Selling kids clothes and toys, pics on request', 'bio'],
    ] as const)
      assert.ok(!flagged(text, surface), text);
    for (const [text, surface] of [
      ['Grupo de mães: fotos das crianças na festa junina, link do álbum', 'group_description'],
      ['Kinder Flohmarkt: Fotos und Tausch', 'group_name'],
      ['Обмен детской одеждой, фото в альбоме', 'group_name'],
      ['kids yoga videos, link below', 'bio'],
      ['Minors league baseball pics trade', 'group_name'],
      ['Young farmers trade livestock pics', 'group_name'],
      ['CP24 news links', 'group_name'],
      ['No Limit Soldiers fan vids', 'group_name'],
      ['Anti-pedo activists UK, report links', 'group_name'],
      ['Grup jual beli perlengkapan bayi, kirim foto dulu', 'group_name'],
      ['Vídeos da apresentação das crianças, link', 'group_name'],
      ['صور حفلة تخرج الأطفال، رابط', 'group_name'],
      ['Kids party photos, link to gallery', 'group_name'],
      ['Teen driver ed videos links', 'group_name'],
      ['Venta de ropa de niña, fotos reales, escribe al mp', 'group_description'],
      ['Продам детскую коляску, фото в лс', 'bio'],
      ['बच्चों के खिलौने बेचना, फोटो के लिए dm karo', 'bio'],
      ['news: child abuse case in court, links to coverage', 'group_description'],
      ['Investigative journalist covering child exploitation', 'bio'],
      ['Enfrentamento ao abuso sexual infantil — materiais', 'group_name'],
      ['Teens in tech: links & videos', 'group_name'],
      ['baby nursery photos swap ideas', 'group_name'],
      ['Trust & Safety engineer — CSAM detection, links in profile', 'bio'],
      ['cpdev_links', 'username'],
      ['mapmaker_trade', 'username'],
      ['Taboo trading card game', 'group_name'],
    ] as const)
      assert.ok(!flagged(text, surface), text);
    for (const [text, surface] of [
      ['preteen pics trade dm', 'group_name'],
      ['underage_nudes', 'username'],
      ['selling novinhas packs chama pv', 'bio'],
      ['12yo pics swap telegram', 'group_name'],
      ['trading young pics, hmu', 'bio'],
      ['p3d0 links', 'username'],
      ['малолетки фото обмен', 'group_name'],
      ['13 y/o content dm', 'bio'],
      ['boylover here, dm', 'bio'],
      ['MAP | pro-c | 18', 'bio'],
      ['troco vídeos de novinhas', 'group_name'],
      ['Tausche Videos von Minderjährigen', 'group_name'],
      ['обмен видео школьниц', 'group_name'],
      ['ᴄᴘ ʟɪɴᴋꜱ', 'group_name'],
      ['preteen_modelz', 'username'],
      ['بيع فيديوهات قاصرات', 'group_name'],
      ['नाबालिग वीडियो बेचना', 'group_name'],
      ['jual video bocil, pm', 'bio'],
      ['𝖈𝖕 𝖙𝖗𝖆𝖉𝖊', 'group_name'],
    ] as const)
      assert.ok(flagged(text, surface), text);
    for (const name of [
      'youngtrader',
      'littletrader',
      'kidtrades',
      'babyboomer_trader',
      'mapleleaf',
      'cpuguy',
      'linkinpark_fan',
      'kinderchocolate',
      'lolita_lempicka',
      'kingpassport',
    ]) {
      assert.ok(!flagged(name, 'username'), name);
    }
    // Explicit minor words still make a username of a minor word and a media word.
    assert.ok(flagged('underagevids', 'username'));
    assert.ok(flagged('novinhasfotos', 'username'));
  });
  it('does not let a game word hide an abuse name', () => {
    const d = detect('baby abuse vids trade | minecraft server', 'group_name', L);
    assert.ok(d.flagged);
    assert.equal(d.hits[0]!.combination, 'minor+abuse');
    assert.equal(d.hits[0]!.score, 3);
  });
  it('explains a hit: the words that combined, where they are, and the normalisation steps', () => {
    const text = 'BabyAbuse';
    const [h] = detect(text, 'username', L).hits;
    assert.equal(h!.combination, 'minor+abuse');
    assert.equal(h!.severity, 'high');
    assert.equal(h!.original, 'Baby');
    assert.deepEqual(h!.span, { start: 0, end: 4 });
    assert.deepEqual(
      h!.context.map((c) => [c.kind, c.original, text.slice(c.span.start, c.span.end)]),
      [['abuse', 'Abuse', 'Abuse']],
    );
    assert.ok(h!.steps.includes('split') && h!.steps.includes('case'), h!.steps.join());
    const t = detect('t4b_00 links', 'username', L).hits[0]!;
    assert.equal(t.term, 'taboo');
    assert.equal(t.original, 't4b_00');
    assert.ok(t.steps.includes('leetspeak') && t.steps.includes('separators'), t.steps.join());
    assert.match(t.explanation, /^coded\+exchange: coded "t4b_00" \+ exchange "links"; score 3 ≥ 3$/);
  });
});

describe('normalisation gaps', () => {
  it('reads stretched short terms only when every letter is repeated', () => {
    assert.ok(flagged('cccppp trade'));
    assert.ok(flagged('ccpp links'));
    assert.ok(!flagged('cpp links'));
    assert.ok(!flagged('ccp trade'));
  });
  it('reads leetspeak split by in-word separators, and keeps numbers after plain words', () => {
    assert.deepEqual(
      normalise('t4b_00').tokens.map((t) => t.text),
      ['tab', 'oo'],
    );
    assert.deepEqual(
      normalise('p.3.d.0').tokens.map((t) => t.text),
      ['pedo'],
    );
    assert.deepEqual(
      normalise('maria_12').tokens.map((t) => t.text),
      ['maria', '12'],
    );
  });
  it('folds accents and keeps words of other scripts whole', () => {
    assert.deepEqual(
      normalise('vídeos niñas échange').tokens.map((t) => t.text),
      ['videos', 'ninas', 'echange'],
    );
    assert.deepEqual(
      normalise('детское фото').tokens.map((t) => t.text),
      ['детское', 'фото'],
    );
    assert.deepEqual(
      normalise('реdо').tokens.map((t) => t.text),
      ['pedo'],
      'a mixed-script word still folds',
    );
    assert.deepEqual(
      normalise('बच्चों के फोटो').tokens.map((t) => t.text),
      ['बच्चों', 'के', 'फोटो'],
      'vowel signs stay inside words',
    );
  });
  it('keeps ages as digits', () => {
    const n = normalise('13yo');
    assert.equal(n.tokens[0]!.alt, '13yo');
    assert.ok(flagged('12 jahre nackt'));
    assert.ok(!flagged('proud mum of a 13yo and a 9yo', 'bio'));
  });
});

describe('term lists', () => {
  it('loads lists saved before combinations and keeps their meaning', () => {
    const old = parseTermList({
      name: 'old',
      version: 3,
      contextWindow: 8,
      terms: [
        { term: 'cp', kind: 'coded', category: 'csam-reference', weight: 3, unless: ['rail'] },
        { term: 'trade', kind: 'trading', category: 'trading', weight: 1 },
        { term: 'pthc', kind: 'coded', category: 'csam-reference', weight: 3, alone: true },
      ],
    });
    assert.ok(detect('c.p trade', 'group_name', old).flagged);
    assert.equal(detect('c.p trade', 'group_name', old).hits[0]!.weight, 4);
    assert.ok(!detect('CP Rail trade', 'group_name', old).flagged);
    assert.ok(!detect('cp', 'username', old).flagged);
    assert.ok(detect('pthc', 'username', old).flagged);
  });
  it('lets an operator add a language and a combination without code', () => {
    const list = parseTermList({
      name: 'x',
      version: 1,
      threshold: 3,
      terms: [
        { term: 'watoto', kind: 'minor', category: 'minor', weight: 1, lang: 'sw' },
        { term: 'picha', kind: 'media', category: 'media', weight: 1, lang: 'sw' },
        { term: 'kubadilishana', kind: 'exchange', category: 'exchange', weight: 1, lang: 'sw' },
        { term: 'shule', kind: 'domain', category: 'education', weight: 2, lang: 'sw' },
      ],
      combinations: [
        { name: 'minor+media+exchange', kinds: ['minor', 'media', 'exchange'], weight: 3, severity: 'medium' },
      ],
    });
    assert.ok(detect('picha watoto kubadilishana', 'group_name', list).flagged);
    assert.ok(!detect('shule picha watoto kubadilishana', 'group_name', list).flagged);
  });
  it('refuses invalid patterns and kinds', () => {
    assert.throws(
      () =>
        parseTermList({
          name: 'x',
          version: 1,
          terms: [{ term: 'a', kind: 'minor', category: 'c', weight: 1, pattern: '(' }],
        }),
      /terms\.0\.pattern/,
    );
    assert.throws(
      () =>
        parseTermList({
          name: 'x',
          version: 1,
          terms: [{ term: 'a', kind: 'coded', category: 'c', weight: 1 }],
          combinations: [{ name: 'c', kinds: ['nope'], weight: 1 }],
        }),
      /combinations\.0\.kinds/,
    );
  });
});

describe('evaluation set written apart from the rules', () => {
  const load = (name: string) =>
    parseTsv(readFileSync(fileURLToPath(new URL(`../eval/split/${name}.tsv`, import.meta.url)), 'utf8'));
  const dev = load('dev');
  const test = load('test');
  it('has at least 1,500 rows, 40% hard negatives in ten languages, split into dev and test', () => {
    const all = [...dev, ...test];
    assert.ok(all.length >= 1500, `${all.length} rows`);
    const hard = all.filter((r) => r.note?.startsWith('hard:'));
    assert.ok(hard.length / all.length >= 0.4, `${hard.length} hard negatives`);
    const langs = new Set(
      readFileSync(fileURLToPath(new URL('../eval/split/test.tsv', import.meta.url)), 'utf8')
        .split('\n')
        .slice(1)
        .filter((l) => l.includes('\thard:'))
        .map((l) => l.split('\t')[4]),
    );
    assert.ok(langs.size >= 10, [...langs].join());
    const key = (r: { text: string; surface: string }) => `${r.text}\t${r.surface}`;
    const devKeys = new Set(dev.map(key));
    assert.ok(!test.some((r) => devKeys.has(key(r))), 'no row is in both');
  });
  it('never changes a result through the skeleton pre-check or the plain-words shortcut', () => {
    const seed = parseTsv(readFileSync(fileURLToPath(new URL('../eval/dev.tsv', import.meta.url)), 'utf8'));
    for (const r of [
      ...dev,
      ...test,
      ...seed,
      { text: 'a b c', surface: 'group_name' as const },
      { text: 'Road Map Club 2024', surface: 'group_name' as const },
    ]) {
      assert.equal(
        detect(r.text, r.surface, L).flagged,
        detect(r.text, r.surface, L, { precheck: false }).flagged,
        r.text,
      );
      assert.deepEqual(normalise(r.text), pipeline(r.text), r.text);
    }
  });
  it('reaches precision and recall of at least 95% on dev and on test, in every category', () => {
    for (const [name, rows] of [
      ['dev', dev],
      ['test', test],
    ] as const) {
      const r = evaluate(rows, L);
      assert.ok(r.precision >= 0.95, `${name} precision ${r.precision}`);
      assert.ok(r.recall >= 0.95, `${name} recall ${r.recall}`);
      for (const f of recallByNote(r)) assert.ok(f.rate >= 0.9, `${name} ${f.note}: ${f.rate}`);
    }
  });
});
