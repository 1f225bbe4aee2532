import { AutoTokenizer } from '@huggingface/transformers';
import { useSource } from './runtime';
import { CachedTokenCounter, findSplitPattern, preTokenizerRegex } from '../core/tokens';

import { BUNDLED_TOKENIZER } from './tokenizer-id';

export { BUNDLED_TOKENIZER };

export interface LoadedTokenizer {
  id: string;
  counter: CachedTokenCounter;
}

/**
 * Load a tokenizer with transformers.js `AutoTokenizer` and wrap it in an exact cached counter.
 * `id` is the bundled tokenizer (served by the app under `models/`, no network) or a Hugging Face
 * Hub id such as "Qwen/Qwen2.5-7B-Instruct" (fetched from the model host `host`, '' = the Hub, and
 * nowhere else; CORS, browser-cached).
 * Throws with a readable message when it cannot be loaded or has no usable pre-tokenizer.
 */
export async function loadTokenizer(id: string, localModelPath: string, host = ''): Promise<LoadedTokenizer> {
  let tok;
  let where = 'the model host';
  try {
    where = useSource(id, host, localModelPath).where;
    tok = await AutoTokenizer.from_pretrained(id);
  } catch (err) {
    throw new Error(`Could not load tokenizer "${id}" from ${where}: ${(err as Error).message}`);
  }
  const json = (tok as unknown as { _tokenizerJSON: { pre_tokenizer: unknown; added_tokens?: { content: string }[]; normalizer?: { type?: string } } })._tokenizerJSON;
  const pattern = findSplitPattern(json.pre_tokenizer);
  if (!pattern) throw new Error(`Tokenizer "${id}" has no Split pre-tokenizer: only byte-level BPE tokenizers (Qwen, Llama 3, GPT) are supported`);
  const added = (json.added_tokens ?? []).map((t) => t.content);
  const normalize = json.normalizer?.type === 'NFC' ? 'NFC' : null;
  const counter = new CachedTokenCounter((p) => tok.encode(p, { add_special_tokens: false }), preTokenizerRegex(pattern), added, normalize);
  return { id, counter };
}
