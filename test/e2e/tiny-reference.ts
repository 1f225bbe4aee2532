import { AutoTokenizer, env, type PreTrainedTokenizer } from '@huggingface/transformers';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { DIFFICULTY_SYSTEM_PROMPT } from '../../src/core/models/difficulty';

/** Folder of the tiny fixture models (test/fixtures/models/README.md documents their formulas). */
export const FIXTURES = resolve(import.meta.dirname, '../fixtures/models');

/** The tiny Qwen3-layout fixture's tokenizer, read from disk in Node. */
export async function tinyTokenizer(): Promise<PreTrainedTokenizer> {
  env.allowRemoteModels = false;
  env.localModelPath = FIXTURES;
  return AutoTokenizer.from_pretrained('tiny-qwen3');
}

/**
 * The Select2Reason score the tiny fixture gives `question`, computed by hand from its documented
 * formula (not through the app's code): what every stored model_difficulty value must equal.
 */
export function referenceDifficulty(tok: PreTrainedTokenizer, question: string): number {
  const text = tok.apply_chat_template([{ role: 'system', content: DIFFICULTY_SYSTEM_PROMPT }, { role: 'user', content: question }], { add_generation_prompt: true, tokenize: false }) as string;
  const ids = tok.encode(text, { add_special_tokens: false });
  const th = (((ids.reduce((a, id) => a + (id % 97), 0) % 360) + 0.5) * Math.PI) / 180;
  const logit = new Map<number, number>([[15, 4 * Math.cos(th)], [16, 4 * Math.sin(th)]]);
  const next = (ids[ids.length - 1] + 1) % 151936;
  logit.set(next, (logit.get(next) ?? 0) + 2);
  const all = [...logit.entries()];
  for (let v = 0, z = 0; z < 2; v++) if (!logit.has(v)) { all.push([v, 0]); z++; }
  all.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const [[i1, b1], [i2, b2]] = all;
  return i1 !== 16 && i2 !== 16 ? 0 : Math.exp(logit.get(16)! - b1) / (1 + Math.exp(b2 - b1));
}

/** A stored column (all parts, in order) of the page's IndexedDB, by column-name prefix. */
export async function storedColumn(page: Page, prefix: string): Promise<number[]> {
  return page.evaluate(async (prefix) => {
    const db: IDBDatabase = await new Promise((res, rej) => { const q = indexedDB.open('thinksift'); q.onsuccess = () => res(q.result); q.onerror = () => rej(q.error); });
    const parts: { name: string; part: number; data: Float32Array }[] = await new Promise((res) => {
      const q = db.transaction('columns').objectStore('columns').getAll();
      q.onsuccess = () => res(q.result);
    });
    db.close();
    return parts.filter((p) => p.name.startsWith(prefix)).sort((a, b) => a.part - b.part).flatMap((p) => Array.from(p.data));
  }, prefix);
}

/** URLs in the page's model cache (Cache Storage "transformers-cache"). */
export async function cachedUrls(page: Page): Promise<string[]> {
  return page.evaluate(async () => (await (await caches.open('transformers-cache')).keys()).map((r) => r.url));
}
