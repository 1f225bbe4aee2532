/** Test helpers: feed a parser its input whole or in pieces and compare what comes out. */
import { expect } from 'vitest';
import type { CoreIssue, RawRecord, TextRecordParser } from '../../../src/core/types';

export interface Collected {
  records: RawRecord[];
  errors: CoreIssue[];
  consumed: number;
}

/** Pushes every piece, then ends; gathers all records and errors in order. */
export function feed(parser: TextRecordParser, pieces: string[]): Collected {
  const records: RawRecord[] = [];
  const errors: CoreIssue[] = [];
  for (const p of pieces) {
    const out = parser.push(p);
    records.push(...out.records);
    errors.push(...out.errors);
  }
  const out = parser.end();
  records.push(...out.records);
  errors.push(...out.errors);
  return { records, errors, consumed: parser.consumedChars };
}

/** The text in pieces of n characters (the last may be shorter). */
export function splitEvery(text: string, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += n) out.push(text.slice(i, i + n));
  return out;
}

/** Deterministic PRNG (mulberry32) so a failing split can be replayed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The text cut at random places (pieces of 0..maxLen chars, empty pieces included). */
export function splitRandom(text: string, seed: number, maxLen = 13): string[] {
  const next = rng(seed);
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    const n = Math.floor(next() * (maxLen + 1));
    out.push(text.slice(i, i + n));
    i += n;
  }
  return out;
}

/**
 * Parses `text` whole, then in every piece size 1..7 and at 20 seeded random boundaries, and
 * asserts every run gives exactly the same records, errors and consumedChars. Returns the whole run.
 */
export function sameWhateverTheSplit(make: () => TextRecordParser, text: string): Collected {
  const whole = feed(make(), [text]);
  for (let n = 1; n <= 7; n++) {
    expect(feed(make(), splitEvery(text, n)), `pieces of ${n}`).toEqual(whole);
  }
  for (let seed = 1; seed <= 20; seed++) {
    expect(feed(make(), splitRandom(text, seed)), `random split, seed ${seed}`).toEqual(whole);
  }
  return whole;
}

/** Values of the records, for compact assertions. */
export const values = (c: Collected) => c.records.map((r) => r.value);
