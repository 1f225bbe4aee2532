/**
 * Top-k selection in linear time (radix select): no full sort, so moving a weight slider over a
 * million rows costs a few passes over the score column.
 */
import type { NumericColumn } from './argsort';

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = LITTLE_ENDIAN ? 1 : 0; // index of the high 32-bit word of a float64
const LO = 1 - HI;
const SIGN = 0x80000000;
const DIGITS = 4; // 16-bit digits of the 64-bit ordered key, most significant first

/**
 * The k best rows by `score`: the k smallest when `ascending` (the default, for rank sums), the k
 * largest otherwise. Ties at the cut go to the lower index. Rows masked out (mask[i] === 0) or with
 * a NaN score are never picked, so fewer than k come back when fewer are eligible.
 * Returns row indices sorted ascending (a set, not a ranking: use `argsortColumn` for an order).
 */
export function topK(score: NumericColumn, k: number, mask?: Uint8Array, ascending = true): Uint32Array {
  const n = score.length;
  if (mask && mask.length !== n) throw new RangeError(`mask has ${mask.length} rows, score has ${n}`);
  k = Math.floor(k);
  if (!(k > 0)) return new Uint32Array(0);
  const f = score instanceof Float64Array ? score : Float64Array.from(score as ArrayLike<number>);
  const words = new Uint32Array(f.buffer, f.byteOffset, 2 * n);
  const flip = ascending ? 0 : 0xffffffff;

  // Level 0: histogram of the top 16 bits of each row's order-preserving 64-bit key (the float's
  // bits with negatives inverted and positives offset, −0 as +0, all flipped for descending).
  // Written out inline: a closure per row costs twice the time at a million rows.
  const hist = new Uint32Array(65536);
  let valid = 0;
  for (let i = 0; i < n; i++) {
    if (mask && mask[i] === 0) continue;
    const v = f[i];
    if (v !== v) continue;
    const raw = v === 0 ? 0 : words[2 * i + HI];
    hist[(((raw & SIGN ? ~raw : raw | SIGN) ^ flip) >>> 16) & 0xffff]++;
    valid++;
  }
  if (k >= valid) {
    const all = new Uint32Array(valid);
    let w = 0;
    for (let i = 0; i < n; i++) if (!(mask && mask[i] === 0) && f[i] === f[i]) all[w++] = i;
    return all;
  }

  const flags = new Uint8Array(n);
  let [bucket, before] = findBucket(hist, k);
  let need = k - before;
  // Rows in the cut bucket become candidates, with their full key (hi, lo) for the next levels.
  let m = hist[bucket];
  let cand = new Uint32Array(m);
  let candHi = new Uint32Array(m);
  let candLo = new Uint32Array(m);
  let c = 0;
  for (let i = 0; i < n; i++) {
    if (mask && mask[i] === 0) continue;
    const v = f[i];
    if (v !== v) continue;
    const rawHi = v === 0 ? 0 : words[2 * i + HI];
    const h = ((rawHi & SIGN ? ~rawHi : rawHi | SIGN) ^ flip) >>> 0;
    const d = h >>> 16;
    if (d < bucket) flags[i] = 1;
    else if (d === bucket) {
      const rawLo = v === 0 ? 0 : words[2 * i + LO];
      cand[c] = i;
      candHi[c] = h;
      candLo[c++] = ((rawHi & SIGN ? ~rawLo : rawLo) ^ flip) >>> 0;
    }
  }
  // Deeper levels look only at the candidates, which stay in ascending index order.
  for (let level = 1; level < DIGITS && need < m; level++) {
    const word = level === 1 ? candHi : candLo;
    const shift = level === 2 ? 16 : 0;
    hist.fill(0);
    for (let j = 0; j < m; j++) hist[(word[j] >>> shift) & 0xffff]++;
    [bucket, before] = findBucket(hist, need);
    need -= before;
    const m2 = hist[bucket];
    const next = new Uint32Array(m2);
    const nextHi = new Uint32Array(m2);
    const nextLo = new Uint32Array(m2);
    c = 0;
    for (let j = 0; j < m; j++) {
      const d = (word[j] >>> shift) & 0xffff;
      if (d < bucket) flags[cand[j]] = 1;
      else if (d === bucket) {
        next[c] = cand[j];
        nextHi[c] = candHi[j];
        nextLo[c++] = candLo[j];
      }
    }
    cand = next;
    candHi = nextHi;
    candLo = nextLo;
    m = m2;
  }
  // What is left holds equal scores in ascending index order: the lowest indices win the tie.
  for (let j = 0; j < need; j++) flags[cand[j]] = 1;

  const out = new Uint32Array(k);
  let w = 0;
  for (let i = 0; i < n && w < k; i++) if (flags[i] !== 0) out[w++] = i;
  return out;
}

/** The bucket holding the `need`-th key (1-based) and how many keys lie in earlier buckets. */
function findBucket(hist: Uint32Array, need: number): [number, number] {
  let before = 0;
  for (let b = 0; b < hist.length; b++) {
    if (before + hist[b] >= need) return [b, before];
    before += hist[b];
  }
  return [hist.length - 1, before];
}
