import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scanAll } from '../../../src/core/search/column';
import { segments } from '../../../src/core/search/highlight';
import { compileQuery, type Matcher, type SearchQuery } from '../../../src/core/search/query';
import { hasSharedData, sharedFile } from '../../shared-data';

const q = (text: string, o: Partial<SearchQuery> = {}): SearchQuery => ({ text, regex: false, matchCase: false, fields: ['question'], ...o });
const matcher = (query: SearchQuery): Matcher => {
  const c = compileQuery(query);
  if ('error' in c) throw new Error(c.error);
  return c.matcher;
};

describe('compileQuery', () => {
  it('substring: case-insensitive by default, literal (regex characters are plain), exact with match case', () => {
    expect(matcher(q('TRIANGLE')).test('a right triangle')).toBe(true);
    expect(matcher(q('TRIANGLE', { matchCase: true })).test('a right triangle')).toBe(false);
    expect(matcher(q('x^2 + (y)')).test('so x^2 + (y) = 1')).toBe(true);
    expect(matcher(q('a.c')).test('abc')).toBe(false);
    expect(matcher(q('ab', { matchCase: true })).ranges('abxabab')).toEqual([[0, 2], [3, 5], [5, 7]]);
  });

  it('regex: multiline anchors, ranges skip empty matches', () => {
    expect(matcher(q('^Wait', { regex: true })).test('first line\nWait, no')).toBe(true);
    expect(matcher(q('\\d+', { regex: true })).ranges('a1 b22 c')).toEqual([[1, 2], [4, 6]]);
    expect(matcher(q('x*', { regex: true })).ranges('axxb')).toEqual([[1, 3]]);
  });

  it('says why a query cannot run: empty, no field, too long, invalid regex', () => {
    expect(compileQuery(q(''))).toEqual({ error: expect.stringMatching(/Type something/) });
    expect(compileQuery(q('a', { fields: [] }))).toEqual({ error: expect.stringMatching(/at least one field/) });
    expect(compileQuery(q('a'.repeat(1001)))).toEqual({ error: expect.stringMatching(/1,001 characters/) });
    expect(compileQuery(q('(unclosed', { regex: true }))).toEqual({ error: expect.stringMatching(/Not a valid regular expression/) });
  });

  it('refuses hostile regexes with a message instead of running them', () => {
    for (const src of ['(a+)+$', '(x+x+)+y', '(\\w+\\s?)*$', '(.*a){1,}b', '(a)\\1']) {
      const c = compileQuery(q(src, { regex: true }));
      expect(c, src).toEqual({ error: expect.stringMatching(/refused: .*(exponential|backreference)/) });
    }
    // Bounded look-alikes still run, and quickly on a long adversarial text.
    const m = matcher(q('(ab){1,3}c', { regex: true }));
    const t0 = performance.now();
    expect(m.test('ab'.repeat(200_000))).toBe(false);
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('segments cut text into plain and hit pieces that join back to the text', () => {
    const s = segments('Wait, wait: WAIT', matcher(q('wait')).ranges('Wait, wait: WAIT'));
    expect(s.map((x) => x.hit)).toEqual([true, false, true, false, true]);
    expect(s.map((x) => x.text).join('')).toBe('Wait, wait: WAIT');
    expect(segments('abc', undefined)).toEqual([{ text: 'abc', hit: false }]);
    expect(segments('abc', [[1, 9]])).toEqual([{ text: 'abc', hit: false }]); // ranges of another text are ignored
  });
});

describe.skipIf(!hasSharedData('search scan vs a reference scan on the real Sky-T1 file'))('scanAll on the real Sky-T1 27B MATH500 file', () => {
  const rows = readFileSync(sharedFile('longcot/skyt1_correct5k_27b__math500.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const questions = rows.map((r) => String(r.question ?? ''));
  const responses = rows.map((r) => (Array.isArray(r.code) ? r.code.map(String).join('\n') : String(r.code ?? '')));

  it.each([
    ['triangle', false, false],
    ['Triangle', false, true],
    ['\\frac', false, false],
    ['\\d+\\s*(cm|units)', true, false],
    ['^Let ', true, true],
  ])('%s (regex %s, case %s) finds what a plain scan finds', (text, regex, matchCase) => {
    const m = matcher(q(text, { regex, matchCase }));
    const ref = regex ? new RegExp(text, matchCase ? 'm' : 'im') : undefined;
    const want = (s: string) => (ref ? ref.test(s) : matchCase ? s.includes(text) : s.toLowerCase().includes(text.toLowerCase()));
    for (const col of [questions, responses]) {
      const expected = col.flatMap((s, i) => (want(s) ? [i] : []));
      expect(scanAll([col], m, col.length)).toEqual(expected);
    }
    expect(scanAll([questions], m, questions.length).length).toBeGreaterThan(0);
  });
});
