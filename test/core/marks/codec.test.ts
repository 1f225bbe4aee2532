/**
 * Marks in the recipe link: round trip, compactness, damaged lists, and links made before marks
 * existed (strings produced by the encoder at the commit before marks) decoding and re-encoding to
 * the very same text, so they keep giving the same selection and hash.
 */
import { describe, expect, it } from 'vitest';
import { packIds, unpackIds } from '../../../src/core/marks/codec';
import { setMarks, type SampleMark } from '../../../src/core/marks/marks';
import { decodeRecipe, encodeRecipe } from '../../../src/core/recipe/codec';
import { defaultRecipe, normalizeRecipe } from '../../../src/core/recipe/recipe';
import { createRng } from '../../../src/core/rng';

describe('packIds / unpackIds', () => {
  it('round-trips any ids exactly, numbers where the id is the previous prefix plus a larger number', () => {
    const ids = ['17', '3', '17:2', '17:10', 'row-007', 'row-8', 'a', 'a1', '', 'x y', '9007199254740993', '0', '00', 'é:1', 'é:5'];
    const packed = packIds(ids);
    expect(new Set(unpackIds(packed))).toEqual(new Set(ids));
    expect(unpackIds(packed)).toHaveLength(ids.length);
    // '17:10' after '17:2' and 'é:5' after 'é:1' are numbers.
    expect(packed.filter((x) => typeof x === 'number').length).toBeGreaterThanOrEqual(3);
  });
  it('refuses a list that is not one', () => {
    expect(() => unpackIds([3])).toThrow(RangeError); // a step with no id before it
    expect(() => unpackIds(['a1', -1])).toThrow(RangeError);
    expect(() => unpackIds(['a1', 1.5])).toThrow(RangeError);
    expect(() => unpackIds('a1')).toThrow(RangeError);
  });
});

describe('marks in the recipe link', () => {
  it('round-trips keep and never marks with notes, in canonical order', async () => {
    const r = defaultRecipe();
    r.marks = setMarks(setMarks(undefined, ['12', '4', '400:1'], 'keep'), ['7'], 'never', 'copied from the test set');
    r.marks = setMarks(r.marks, ['4'], 'keep', 'a clean proof');
    const link = await encodeRecipe(r);
    const back = await decodeRecipe(link);
    expect(back.issues).toEqual([]);
    expect(back.recipe).toEqual(r);
    expect(back.recipe.marks).toEqual([
      { id: '12', kind: 'keep' },
      { id: '4', kind: 'keep', note: 'a clean proof' },
      { id: '400:1', kind: 'keep' },
      { id: '7', kind: 'never', note: 'copied from the test set' },
    ]);
  });

  it('keeps 500 marks among 5,000 samples compact (well under 1 KB of link)', async () => {
    const rng = createRng(7);
    const ids = new Set<string>();
    while (ids.size < 500) ids.add(String(rng.int(5000)));
    const all = [...ids];
    const r = defaultRecipe();
    r.marks = setMarks(setMarks(undefined, all.slice(0, 300), 'keep'), all.slice(300), 'never');
    const link = await encodeRecipe(r);
    const plain = (await encodeRecipe(defaultRecipe())).length;
    console.log(`500 marks: link ${link.length} characters (default recipe ${plain})`);
    expect(link.length).toBeLessThan(1000);
    expect((await decodeRecipe(link)).recipe.marks).toEqual(r.marks);
    // "17:k" ids (one question, several generations) stay compact too.
    const multi = defaultRecipe();
    multi.marks = setMarks(undefined, all.map((x) => `${Math.floor(Number(x) / 4)}:${Number(x) % 4}`), 'keep');
    const link2 = await encodeRecipe(multi);
    console.log(`500 marks of "q:k" ids: link ${link2.length} characters`);
    expect(link2.length).toBeLessThan(1500);
    expect((await decodeRecipe(link2)).recipe.marks).toEqual(multi.marks);
  });

  it('links made before marks decode as before and re-encode to the same text', async () => {
    // Encoded by the commit before marks (1bd5f2b); a longest/count-7, a w/level/seed and a random recipe.
    const old = [
      '2.q1bKUbKqVkpWskpLzClOrdVRSlSyUsrJz0tPLS5R0lFKUrKKVkpW0jGPrQUA',
      '2.q1bKUbKqVqpQsjI2MDCo1VEqB3HLlawM9ExrdZSKlawsdZRSlKyUKvRyUstSc5RqAQ',
      '2.q1bKUbKqVkpXskpLzClOrdVRSlSyUipKzEvJz1XSUUpSsopWKlDSMTaI1VEqVrIyMaoFAA',
      '2.q64FAA',
    ];
    for (const link of old) {
      const { recipe, issues } = await decodeRecipe(link);
      expect(issues).toEqual([]);
      expect(recipe.marks).toBeUndefined();
      expect(await encodeRecipe(recipe)).toBe(link);
    }
    const first = (await decodeRecipe(old[0])).recipe;
    expect([first.method, first.budget, first.filters.correctOnly]).toEqual(['longest', { kind: 'count', value: 7 }, false]);
    const v1 = await decodeRecipe('1.q64FAA');
    expect(v1.recipe.marks).toBeUndefined();
  });

  it('reports damaged or hostile marks and keeps the rest of the recipe', async () => {
    const { recipe, issues } = normalizeRecipe({ method: 'longest', marks: [{ id: 'a', kind: 'keep' }, { id: 5, kind: 'keep' }, { id: 'b', kind: 'maybe' }, { id: '__proto__', kind: 'never' }] });
    expect(recipe.method).toBe('longest');
    expect(recipe.marks).toEqual([{ id: '__proto__', kind: 'never' }, { id: 'a', kind: 'keep' }] satisfies SampleMark[]);
    expect(issues).toHaveLength(2);
    expect(normalizeRecipe({ marks: 'all' }).issues[0]).toMatch(/^marks: not a list/);
    // A compact document whose id list is damaged: an issue, no marks, the rest kept.
    const bytes = new TextEncoder().encode(JSON.stringify({ a: 'longest', k: [[5], []] }));
    const cs = new Blob([bytes]).stream().pipeThrough(new CompressionStream('deflate-raw'));
    const packed = new Uint8Array(await new Response(cs).arrayBuffer());
    const b64 = Buffer.from(packed).toString('base64url');
    const got = await decodeRecipe(`2.${b64}`);
    expect(got.recipe.method).toBe('longest');
    expect(got.recipe.marks).toBeUndefined();
    expect(got.issues.join(' ')).toMatch(/marks in the recipe link are damaged/);
  });
});
