import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { execSync } from 'node:child_process';
import { resolve } from 'node:path';
import { columnKey } from '../../src/core/batch';
import { DEFAULT_RETHINK_WORDS, countPerWord, countRethink, compileRethink } from '../../src/core/features/rethink';
import { createCsvParser } from '../../src/core/parse/csv';
import { feed } from '../core/parse/helpers';
import { mapRecord } from '../../src/core/schema/mapping';
import { getPath } from '../../src/core/schema/shapes';
import { readColumn } from '../../src/db/datasets';
import { FeatureService, featureColumn } from '../../src/features/service';
import { BUNDLED_TOKENIZER } from '../../src/models/tokenizer-id';
import { ingestFile, jsonl } from '../ingest/helpers';

const MODELS = resolve(import.meta.dirname, '../../public/models/');
/** Every name Object.prototype has: fields named like this must be plain fields everywhere. */
const NAMES = Object.getOwnPropertyNames(Object.prototype);

beforeAll(() => {
  execSync('node scripts/copy-tokenizer.mjs', { cwd: resolve(import.meta.dirname, '../..') });
});

describe('field names that Object.prototype also has', () => {
  it('reading a missing field named like a prototype member gives undefined, a present one its value', () => {
    for (const k of NAMES) {
      expect(getPath({}, k), k).toBeUndefined();
      expect(getPath({ a: {} }, `a.${k}`), k).toBeUndefined();
      expect(getPath(JSON.parse(`{"${k}": 7}`), k), k).toBe(7);
    }
  });

  it('map a row whose extra fields are all prototype names (and "__proto__"): plain keys, nothing polluted', () => {
    const row = JSON.parse(`{"question":"q","response":"<think>a</think>b",${NAMES.map((k, i) => `"${k}":${i}`).join(',')}}`);
    const { samples } = mapRecord(row, 0, { shape: 'plain', question: 'question', response: 'response' }, 'f.jsonl');
    expect(samples.length).toBe(1);
    for (const [i, k] of NAMES.entries()) expect(Object.hasOwn(samples[0].extra, k) && samples[0].extra[k], k).toBe(i);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });

  it('rethinking words named like prototype members count as words', () => {
    const m = compileRethink(['constructor', 'toString', ...DEFAULT_RETHINK_WORDS]);
    expect(countRethink('The constructor is fine. toString again. Wait.', m)).toBe(3);
    const per = countPerWord('The constructor is fine. toString again.', m);
    expect(per.constructor).toBe(1);
    expect(per.tostring).toBe(1); // words are lower-cased
  });

  it('the feature pass measures a file with numeric fields named like every prototype member, each its own column', async () => {
    const rows = [0, 1, 2].map((r) => JSON.parse(`{"id":"r${r}","question":"q${r}","response":"<think>t${r}</think>\\\\boxed{${r}}",${NAMES.map((k, i) => `"${k}":${i * 10 + r}`).join(',')}}`));
    const { meta } = await ingestFile(new File([jsonl(rows)], 'proto.jsonl'));
    const st = await new FeatureService().compute(meta.id, { tokenizer: BUNDLED_TOKENIZER, stepSeparator: '\\n\\s*\\n', rethinkWords: [...DEFAULT_RETHINK_WORDS] }, MODELS, () => {});
    expect(st.status).toBe('complete');
    expect(st.doneSamples).toBe(3);
    for (const [i, k] of NAMES.entries()) {
      if (!st.extraKeys?.includes(k)) continue;
      expect(Array.from(await readColumn(meta.id, columnKey(featureColumn(`x.${k}`), meta.mappingVersion), Float32Array)), k).toEqual([i * 10, i * 10 + 1, i * 10 + 2]);
    }
    expect(st.extraKeys).toEqual(expect.arrayContaining(['constructor', 'toString', 'valueOf', 'hasOwnProperty']));
  }, 60_000);

  it('a CSV whose header names prototype members (and __proto__) keeps them as columns', () => {
    const recs = feed(createCsvParser({ file: 'p.csv' }), ['question,response,__proto__,constructor\nq,r,1,2\n']).records.map((r) => r.value as Record<string, string>);
    expect(recs.length).toBe(1);
    expect(Object.hasOwn(recs[0], '__proto__') && recs[0]['__proto__']).toBe('1');
    expect(recs[0].constructor).toBe('2');
  });
});
