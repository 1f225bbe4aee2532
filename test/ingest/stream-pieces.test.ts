import { describe, expect, it } from 'vitest';
import { StreamPieces, streamHeadRecords } from '../../src/ingest/stream-pieces';

const enc = new TextEncoder();

/** A stream of `chunks`, then (optionally) a failure; `pulled` counts the bytes handed out. */
function streamOf(chunks: Uint8Array[], fail?: Error) {
  const seen = { pulled: 0 };
  let i = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      if (i < chunks.length) {
        seen.pulled += chunks[i].length;
        c.enqueue(chunks[i++]);
      } else if (fail) c.error(fail);
      else c.close();
    },
  });
  return { stream, seen };
}

describe('StreamPieces', () => {
  it('cuts the stream into pieces of `step` bytes in order, whatever its chunks; damage ends them with the notice', async () => {
    const bytes = enc.encode('0123456789abcdefghij'); // 20 bytes in chunks of 3, 7, 10
    const { stream } = streamOf([bytes.subarray(0, 3), bytes.subarray(3, 10), bytes.subarray(10)]);
    const pieces = new StreamPieces(stream, 8, 'f.jsonl.gz', new AbortController().signal);
    const got: [number, number, string][] = [];
    for (let p = await pieces.next(); p; p = await pieces.next()) got.push([p.start, p.end, new TextDecoder().decode(p.src as Uint8Array)]);
    expect(got).toEqual([[0, 8, '01234567'], [8, 16, '89abcdef'], [16, 20, 'ghij']]);
    expect(pieces.damaged).toBeUndefined();

    const cut = new StreamPieces(streamOf([bytes.subarray(0, 5)], new TypeError('Decompression failed')).stream, 8, 'f.jsonl.gz', new AbortController().signal);
    expect(new TextDecoder().decode((await cut.next())!.src as Uint8Array)).toBe('01234');
    expect(await cut.next()).toBeUndefined();
    expect(cut.damaged).toMatchObject({ code: 'truncated-gzip', where: { file: 'f.jsonl.gz', byte: 5 } });
  });

  it('fills a buffer given back (PieceSpec.giveBack) for a later piece, never one of another size', async () => {
    const bytes = enc.encode('0123456789abcdefghijklmnopqrstuvwxyz'); // 36 bytes: pieces of 8, 8, 8, 8, 4
    const pieces = new StreamPieces(streamOf([bytes]).stream, 8, 'f.jsonl.gz', new AbortController().signal);
    const a = (await pieces.next())!;
    const b = (await pieces.next())!;
    const bufA = (a.src as Uint8Array).buffer;
    expect((b.src as Uint8Array).buffer).not.toBe(bufA);
    a.giveBack!(bufA as ArrayBuffer);
    b.giveBack!(new ArrayBuffer(5)); // not a piece's size: not kept
    const c = (await pieces.next())!;
    expect((c.src as Uint8Array).buffer).toBe(bufA);
    expect(new TextDecoder().decode(c.src as Uint8Array)).toBe('ghijklmn');
    const d = (await pieces.next())!;
    expect((d.src as Uint8Array).buffer).not.toBe(bufA);
    expect(new TextDecoder().decode(d.src as Uint8Array)).toBe('opqrstuv');
    expect(new TextDecoder().decode((await pieces.next())!.src as Uint8Array)).toBe('wxyz');
  });

  it('seeks a resume point: drops what comes before the carried line, hands the line over, pieces from there', async () => {
    const bytes = enc.encode('0123456789abcdefghij');
    const pieces = new StreamPieces(streamOf([bytes.subarray(0, 3), bytes.subarray(3, 10), bytes.subarray(10)]).stream, 8, 'f.jsonl.gz', new AbortController().signal);
    const carried: string[] = [];
    await pieces.seek(5, 12, (b) => carried.push(new TextDecoder().decode(b)));
    expect(carried.join('')).toBe('56789ab');
    const p = (await pieces.next())!;
    expect([p.start, p.end, new TextDecoder().decode(p.src as Uint8Array)]).toEqual([12, 20, 'cdefghij']);
    const short = new StreamPieces(streamOf([bytes]).stream, 8, 'f.jsonl.gz', new AbortController().signal);
    await expect(short.seek(0, 21, () => {})).rejects.toThrow(/decompressed bytes end at 20, before byte 21/);
  });

  it('rejects on another failure, and on Cancel', async () => {
    const other = new StreamPieces(streamOf([], new RangeError('boom')).stream, 8, 'f', new AbortController().signal);
    await expect(other.next()).rejects.toThrow('boom');
    const ac = new AbortController();
    ac.abort(new DOMException('cancelled', 'AbortError'));
    await expect(new StreamPieces(streamOf([enc.encode('x')]).stream, 8, 'f', ac.signal).next()).rejects.toThrow('cancelled');
  });
});

describe('streamHeadRecords', () => {
  it('stops at its record limit, and after 4x maxBytes of input when lines are not records', async () => {
    // A chunk a row: it stops reading once it has 10 (it keeps whole chunks).
    const rows = streamOf(Array.from({ length: 50 }, (_, i) => enc.encode(`{"i":${i}}\n`)));
    const some = await streamHeadRecords(rows.stream, { file: 'f', signal: new AbortController().signal }, 10, 1 << 20);
    expect(some.map((r) => (r.value as { i: number }).i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(rows.seen.pulled).toBeLessThan(50 * 8);
    // One record, then 1 MB of lines that are not JSON: it reads ~40 kB, not the megabyte.
    const bad = enc.encode('{"i":0}\n' + '{"a": nope}\n'.repeat(90_000));
    const chunks = Array.from({ length: Math.ceil(bad.length / 4096) }, (_, k) => bad.subarray(k * 4096, (k + 1) * 4096));
    const { stream, seen } = streamOf(chunks);
    const head = await streamHeadRecords(stream, { file: 'f', signal: new AbortController().signal }, 200, 10_000);
    expect(head.length).toBe(1);
    expect(seen.pulled).toBeLessThanOrEqual(40_000 + 2 * 4096);
  });

  it('rejects on Cancel', async () => {
    const ac = new AbortController();
    ac.abort(new DOMException('cancelled', 'AbortError'));
    await expect(streamHeadRecords(streamOf([enc.encode('{"i":1}\n')]).stream, { file: 'f', signal: ac.signal }, 10, 100)).rejects.toThrow('cancelled');
  });
});
