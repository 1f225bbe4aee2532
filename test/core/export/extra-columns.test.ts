/**
 * Extra export columns (tags, near-duplicate group): every trainer format's records still validate
 * with them, in JSONL and Parquet; wrong types are reported; 'original' gets none.
 */
import { describe, expect, it } from 'vitest';
import { parquetReadObjects } from 'hyparquet';
import { addExtras, splitExtras } from '../../../src/core/export/extra-columns';
import { EXPORT_FORMATS } from '../../../src/core/export/formats';
import { ParquetRecordWriter } from '../../../src/core/export/parquet';
import { validateRecord } from '../../../src/core/export/validate';
import { ORIGINAL_ROWS, SAMPLES } from './fixtures';

const extras = { tags: new Map([[SAMPLES[0].id, ['hard', 'check proof']]]), nearDup: { group: [0, 0, 2], size: [2, 2, 1] } };

describe('extra columns in every format', () => {
  for (const fmt of EXPORT_FORMATS.filter((f) => f.id !== 'original')) {
    it(`${fmt.id}: records with tags and nd_group / nd_size validate, in JSONL and Parquet`, async () => {
      const recs = SAMPLES.map((s, j) => addExtras(fmt.serialize(s, ORIGINAL_ROWS[j], { style: 'think-tags' }), s.id, j, extras));
      for (const r of recs) expect(validateRecord(fmt.id, JSON.parse(JSON.stringify(r)))).toEqual([]);
      expect(recs.map((r) => r.tags)).toEqual([['hard', 'check proof'], [], []]);
      expect(recs.map((r) => [r.nd_group, r.nd_size])).toEqual([[0, 2], [0, 2], [2, 1]]);
      const w = new ParquetRecordWriter(['system']);
      for (const r of recs) w.push(r);
      const back = await parquetReadObjects({ file: w.finish() });
      expect(back.map((r) => r.tags)).toEqual([['hard', 'check proof'], [], []]);
      expect(back.map((r) => r.nd_size)).toEqual([2, 2, 1]);
    });
  }
  it('reports extra columns of the wrong type, and keeps the format check strict', () => {
    expect(splitExtras({ tags: ['a', ''], nd_group: -1, nd_size: 1.5, messages: [] }).problems).toHaveLength(3);
    expect(validateRecord('trl-messages', { messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a' }], tags: 'x' })).toEqual(['record.tags: expected a list of non-empty strings']);
    expect(validateRecord('trl-messages', { messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a' }], tagz: [] })).toEqual(['record: unknown field "tagz"']);
    expect(addExtras({ a: 1 }, 'x', 0, undefined)).toEqual({ a: 1 });
  });
});
