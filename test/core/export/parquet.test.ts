import { describe, expect, it } from 'vitest';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { ParquetRecordWriter } from '../../../src/core/export/parquet';

async function readBack(buf: ArrayBuffer) {
  return parquetReadObjects({ file: buf });
}

describe('ParquetRecordWriter', () => {
  it('writes TRL messages as a list of {role, content} structs that read back unchanged', async () => {
    const recs = Array.from({ length: 2500 }, (_, i) => ({
      messages: [
        ...(i % 3 === 0 ? [{ role: 'system', content: `sys ${i}` }] : []),
        { role: 'user', content: `question ${i} — θ` },
        { role: 'assistant', content: `<think>\nthink ${i}\n</think>\n\n\\boxed{${i}}` },
      ],
    }));
    const w = new ParquetRecordWriter();
    for (const r of recs) w.push(r);
    const buf = w.finish();
    expect(parquetMetadata(buf).row_groups.length).toBe(3); // 1000-row groups, streamed
    const rows = await readBack(buf);
    expect(rows).toEqual(recs);
  });

  it('keeps an optional column (system) that the first rows lack, as null where absent', async () => {
    const w = new ParquetRecordWriter(['system']);
    w.push({ instruction: 'q1', input: '', output: 'a1' });
    w.push({ instruction: 'q2', input: '', output: 'a2', system: 'be brief' });
    const rows = await readBack(w.finish());
    expect(rows).toEqual([
      { instruction: 'q1', input: '', output: 'a1', system: null },
      { instruction: 'q2', input: '', output: 'a2', system: 'be brief' },
    ]);
  });

  it('writes numbers, booleans and nested other values (as JSON text), and an empty file', async () => {
    const w = new ParquetRecordWriter();
    w.push({ idx: 1, ok: true, code: ['a', 'b'], meta: { a: 1, b: [2] } });
    const rows = await readBack(w.finish());
    expect(rows[0].idx).toBe(1);
    expect(rows[0].ok).toBe(true);
    expect(rows[0].code).toEqual(['a', 'b']);
    expect(JSON.parse(rows[0].meta as string)).toEqual({ a: 1, b: [2] }); // a JSON-annotated string column
    const empty = new ParquetRecordWriter().finish();
    expect(parquetMetadata(empty).num_rows).toBe(0n);
  });

  it('refuses a field that appears after the schema was fixed, naming it', () => {
    const w = new ParquetRecordWriter();
    for (let i = 0; i < 1000; i++) w.push({ a: 'x' });
    expect(() => { w.push({ a: 'y', late: 'z' }); w.finish(); }).toThrow(/"late"/);
  });
});
