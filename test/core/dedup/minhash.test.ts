import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { find } from '../../../src/core/embed/dedup';
import { groupSizes, MinHashIndex } from '../../../src/core/dedup/minhash';
import { jaccard, normalizeText, shingleSet } from '../../../src/core/dedup/shingles';
import { createRng, type Rng } from '../../../src/core/rng';
import { hasSharedData, sharedFile } from '../../shared-data';

function groupsOf(texts: string[], threshold = 0.8, seed = 0) {
  const idx = new MinHashIndex({ seed });
  for (const t of texts) idx.add(t);
  return idx.groups({ threshold });
}

/** One planted edit of a question: swap a number, drop, insert or replace a word. */
function edit(q: string, rng: Rng): string {
  const words = q.split(' ');
  const at = rng.int(words.length);
  switch (rng.int(4)) {
    case 0: return q.replace(/\d+/, (d) => String(Number(d) + 1 + rng.int(9)));
    case 1: words.splice(at, 1); break;
    case 2: words.splice(at, 0, 'really'); break;
    default: words[at] = 'something';
  }
  return words.join(' ');
}

describe('MinHashIndex', () => {
  it('groups verbatim copies (case and whitespace aside), near copies, and keeps unrelated texts apart', () => {
    const texts = [
      'What is the sum of the first 100 positive integers, counting each one exactly once?',
      'A train leaves the station at noon and travels at 60 miles per hour toward the city, where it stops for ten minutes before it turns back home.',
      'what is the sum of the   first 100 positive integers, counting each one exactly once?',
      'A train leaves the station at noon and travels at 60 miles per hour toward the city, where it stops for ten minutes before it turns back home again.',
      'Find all real x such that x^2 - 5x + 6 = 0.',
      '',
      '',
    ];
    const r = groupsOf(texts);
    expect(Array.from(r.group)).toEqual([0, 1, 0, 1, 4, 5, 5]);
    expect(r.exact).toBe(2);
    expect(r.groups).toBe(3);
    expect(Array.from(groupSizes(r.group))).toEqual([2, 2, 2, 2, 1, 2, 2]);
  });

  it('is deterministic per seed, reports progress to the total and stops on abort', () => {
    const texts = Array.from({ length: 300 }, (_, i) => `question ${i % 50} asks about item ${i % 50} and the number ${i % 50} in words`);
    const seen: [number, number][] = [];
    const idx = new MinHashIndex({ seed: 7 });
    for (const t of texts) idx.add(t);
    const a = idx.groups({ onProgress: (d, t) => seen.push([d, t]) });
    expect(Array.from(a.group)).toEqual(Array.from(groupsOf(texts, 0.8, 7).group));
    expect(a.groups).toBe(50);
    const last = seen[seen.length - 1];
    expect(last[0]).toBe(last[1]);
    expect(seen.every(([d], k) => k === 0 || d >= seen[k - 1][0])).toBe(true);
    expect(() => idx.groups({ signal: { aborted: true } })).toThrow(expect.objectContaining({ name: 'AbortError' }));
  });

  it('rejects bad options', () => {
    expect(() => new MinHashIndex({ bands: 0 })).toThrow(RangeError);
    expect(() => new MinHashIndex().groups({ threshold: 0 })).toThrow(RangeError);
  });
});

describe.skipIf(!hasSharedData('MinHash recall against exact all-pairs Jaccard on GSM8K questions'))('MinHash on real questions', () => {
  it('recall ≥ 0.95 and no false join against exact all-pairs Jaccard (planted edits of 1,000 of 2,500 questions)', () => {
    const lines = readFileSync(sharedFile('shortcot/gsm8k_train.jsonl'), 'utf8').trim().split('\n');
    const base = lines.slice(0, 2500).map((l) => JSON.parse(l).question as string);
    const rng = createRng(3);
    const texts = [...base];
    for (let i = 0; i < 1000; i++) {
      const q = base[rng.int(base.length)];
      texts.push(rng.int(5) === 0 ? `  ${q.toUpperCase()} ` : edit(rng.int(3) === 0 ? edit(q, rng) : q, rng));
    }
    const sets = texts.map((t) => shingleSet(normalizeText(t)));
    // Reference: every pair with exact Jaccard ≥ 0.8, and its connected components.
    const n = texts.length;
    const parent = new Uint32Array(n).map((_, i) => i);
    const edges: [number, number][] = [];
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const a = sets[i].length, b = sets[j].length;
        if (Math.min(a, b) < 0.8 * Math.max(a, b)) continue;
        if (jaccard(sets[i], sets[j]) >= 0.8) {
          edges.push([i, j]);
          const ri = find(parent, i), rj = find(parent, j);
          if (ri !== rj) parent[Math.max(ri, rj)] = Math.min(ri, rj);
        }
      }
    }
    const r = groupsOf(texts);
    // No false join: rows in one MinHash group are in one reference component.
    for (let i = 0; i < n; i++) expect(find(parent, i)).toBe(find(parent, r.group[i]));
    const found = edges.filter(([i, j]) => r.group[i] === r.group[j]).length;
    expect(edges.length).toBeGreaterThan(500);
    expect(found / edges.length).toBeGreaterThanOrEqual(0.95);
    // Verbatim copies (upper-cased, padded) are always joined.
    const firstOf = new Map<string, number>();
    base.forEach((q, i) => { if (!firstOf.has(normalizeText(q))) firstOf.set(normalizeText(q), i); });
    for (let i = 2500; i < n; i++) {
      const twin = firstOf.get(normalizeText(texts[i]));
      if (twin !== undefined) expect(r.group[i]).toBe(r.group[twin]);
    }
    console.log(`[minhash] ${edges.length} reference pairs ≥ 0.8, recall ${(found / edges.length).toFixed(4)}, ${r.groups} groups, ${r.exact} verbatim copies`);
  }, 60_000);
});
