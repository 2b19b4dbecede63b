// Each normalisation step on its own, then the pipeline.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  confusables,
  emoji,
  invisible,
  leetspeak,
  lowercase,
  nfkc,
  normalise,
  repeats,
  separators,
} from '../src/index.ts';
import { toUnits, unitsText, type Step } from '../src/units.ts';

const run = (step: Step, s: string) => {
  const removed: { step: string; start: number; end: number }[] = [];
  return { text: unitsText(step(toUnits(s), removed)), removed };
};

describe('normalisation steps', () => {
  it('nfkc folds full-width, circled and mathematical letters', () => {
    assert.equal(run(nfkc, 'ｃｐ ⓒⓟ 𝐜𝐩 𝓬𝓹').text, 'cp cp cp cp');
  });
  it('invisible removes zero-width, bidi and variation characters and records where', () => {
    const r = run(invisible, 'c\u200Bp\u200D \u202Ex\uFE0F');
    assert.equal(r.text, 'cp x');
    assert.deepEqual(
      r.removed.map((x) => x.start),
      [1, 3, 5, 7],
    );
  });
  it('confusables folds Cyrillic and Greek look-alikes, leaving ASCII alone', () => {
    assert.equal(run(confusables, 'ср').text, 'cp');
    assert.equal(run(confusables, 'т').text, 't');
    assert.equal(run(confusables, 'οο').text, 'oo');
    assert.equal(run(confusables, 'rn m I 1').text, 'rn m I 1', 'ASCII is never folded');
  });
  it('lowercase folds case', () => assert.equal(run(lowercase, 'CP Taboo').text, 'cp taboo'));
  it('emoji used as separators become spaces', () => assert.equal(run(emoji, 'c🍕p🔥trade🇺🇸').text, 'c p trade  '));
  it('leetspeak maps digits and symbols inside words only', () => {
    assert.equal(run(leetspeak, 'n0l1m1ts t@boo $wap').text, 'nolimits taboo swap');
    assert.equal(run(leetspeak, 'open 24/7 since 2024, room 101').text, 'open 24/7 since 2024, room 101');
    assert.equal(run(leetspeak, 'cpvids2024').text, 'cpvids2024');
  });
  it('separators join spelled-out letters and keep word spaces', () => {
    for (const [input, out] of [
      ['c.p', 'cp'],
      ['t a b o o', 'taboo'],
      ['c-p trade', 'cp trade'],
      ['c_p', 'cp'],
    ])
      assert.equal(run(separators, input!).text, out);
    assert.equal(run(separators, 'road map club').text, 'road map club');
    assert.equal(run(separators, 'cp_links_dm').text, 'cp links dm');
  });
  it('repeats shortens runs of three or more to two', () => {
    assert.equal(run(repeats, 'tabooooo perrrrv cool').text, 'taboo perrv cool');
  });
  it('the pipeline keeps original spans for every token', () => {
    const s = 'Ⓒ.Ⓟ\u200B 🔞 tr4de';
    const n = normalise(s);
    assert.deepEqual(
      n.tokens.map((t) => t.text),
      ['cp', 'trade'],
    );
    assert.equal(s.slice(n.tokens[0]!.start, n.tokens[0]!.end), 'Ⓒ.Ⓟ');
    assert.equal(s.slice(n.tokens[1]!.start, n.tokens[1]!.end), 'tr4de');
    assert.deepEqual(n.tokens[1]!.steps, ['leetspeak']);
  });
});
