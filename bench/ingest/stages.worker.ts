/**
 * Stage probe for bench/ingest/stages.mjs: times each step of JSONL ingest on its own in a
 * dedicated worker (where ingest runs), so a design choice can cite a number. Not part of the app.
 */
import * as Comlink from 'comlink';
import { createSHA256 } from 'hash-wasm';
import type { PieceWorkerApi } from '../../src/ingest/piece';
import { IngestService } from '../../src/ingest/service';
import { detectMapping, mapRecord } from '../../src/core/schema/mapping';
import { createJsonlByteParser } from '../../src/core/parse/jsonl-bytes';
import { decodeUtf8Line } from '../../src/core/parse/utf8-line';

type Row = Record<string, number | string>;
const MB = 1e6;

async function readStream(f: File, each: (b: Uint8Array) => void = () => {}): Promise<void> {
  const r = f.stream().getReader();
  for (;;) {
    const x = await r.read();
    if (x.done) break;
    each(x.value);
  }
}
async function readSlices(f: File, size: number, each: (b: Uint8Array) => void = () => {}): Promise<void> {
  // (The read must not sit inside an optional call: `each?.(await …)` skips the read itself.)
  for (let at = 0; at < f.size; at += size) each(new Uint8Array(await f.slice(at, at + size).arrayBuffer()));
}
function readSync(f: File, size: number, each: (b: Uint8Array) => void = () => {}): void {
  const fr = new FileReaderSync();
  for (let at = 0; at < f.size; at += size) each(new Uint8Array(fr.readAsArrayBuffer(f.slice(at, at + size))));
}

/** Calls `line` for every complete line across chunk boundaries (byte split on 0x0A). */
function byteLines(line: (b: Uint8Array) => void) {
  let carry: Uint8Array | null = null;
  return (b: Uint8Array) => {
    if (carry) { const c = new Uint8Array(carry.length + b.length); c.set(carry); c.set(b, carry.length); b = c; carry = null; }
    let s = 0;
    for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, s)) { if (i > s) line(b.subarray(s, i)); s = i + 1; }
    if (s < b.length) carry = b.slice(s);
  };
}
/** Decodes each chunk up to its last 0x0A in one TextDecoder call, then splits the string. */
function chunkLines(line: (s: string) => void) {
  const dec = new TextDecoder('utf-8', { fatal: true });
  let carry: Uint8Array | null = null;
  return (b: Uint8Array) => {
    if (carry) { const c = new Uint8Array(carry.length + b.length); c.set(carry); c.set(b, carry.length); b = c; carry = null; }
    const cut = b.lastIndexOf(10);
    if (cut < 0) { carry = b; return; }
    const text = dec.decode(b.subarray(0, cut));
    carry = b.slice(cut + 1);
    let s = 0;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', s)) { if (i > s) line(text.slice(s, i)); s = i + 1; }
    if (s < text.length) line(text.slice(s));
  };
}

async function time(name: string, f: File, fn: () => Promise<unknown> | unknown, out: Row[]): Promise<void> {
  const t0 = performance.now();
  await fn();
  const s = (performance.now() - t0) / 1000;
  out.push({ stage: name, s: +s.toFixed(3), mbs: +(f.size / MB / s).toFixed(1) });
}

self.onmessage = async (e: MessageEvent<{ file: File }>) => {
  const f = e.data.file;
  const out: Row[] = [];
  const SL = 16 << 20;
  await time('read: File.stream()', f, () => readStream(f), out);
  await time('read: slice(16 MB).arrayBuffer()', f, () => readSlices(f, SL), out);
  await time('read: slice(4 MB).arrayBuffer()', f, () => readSlices(f, 4 << 20), out);
  await time('read: FileReaderSync 16 MB', f, () => readSync(f, SL), out);
  await time('read + byte split', f, () => readSlices(f, SL, byteLines(() => {})), out);
  const dec = new TextDecoder('utf-8', { fatal: true });
  await time('read + byte split + per-line decode', f, () => readSlices(f, SL, byteLines((b) => dec.decode(b))), out);
  await time('read(sync 8 MB) + byte split + JS line decode', f, () => readSync(f, 8 << 20, byteLines((b) => decodeUtf8Line(b))), out);
  await time('read(sync 8 MB) + byte split + JS line decode + JSON.parse', f, () => readSync(f, 8 << 20, byteLines((b) => JSON.parse(decodeUtf8Line(b)!))), out);
  await time('read + chunk decode + string split', f, () => readSlices(f, SL, chunkLines(() => {})), out);
  await time('read(stream) + byte split + per-line decode', f, () => readStream(f, byteLines((b) => dec.decode(b))), out);
  await time('read + chunk decode + split + JSON.parse', f, () => readSlices(f, SL, chunkLines((s) => JSON.parse(s))), out);
  await time('read + byte split + line decode + JSON.parse', f, () => readSlices(f, SL, byteLines((b) => JSON.parse(dec.decode(b)))), out);
  // JSON.parse alone, on lines held in memory (first 64 MB of lines).
  const held: string[] = [];
  let heldBytes = 0;
  await readSlices(f, SL, byteLines((b) => { if (heldBytes < 64 * MB) { held.push(dec.decode(b)); heldBytes += b.length; } }));
  const values: unknown[] = [];
  let t0 = performance.now();
  for (const s of held) values.push(JSON.parse(s));
  let s = (performance.now() - t0) / 1000;
  out.push({ stage: 'JSON.parse alone (64 MB of lines in memory)', s: +s.toFixed(3), mbs: +(heldBytes / MB / s).toFixed(1) });
  const det = detectMapping(values.slice(0, 200));
  t0 = performance.now();
  for (let i = 0; i < values.length; i++) mapRecord(values[i], i, det.mapping, 'x');
  s = (performance.now() - t0) / 1000;
  out.push({ stage: 'mapRecord alone (same 64 MB)', s: +s.toFixed(3), mbs: +(heldBytes / MB / s).toFixed(1) });
  await time('full byte parser (jsonl-bytes) over 16 MB slices', f, () => {
    const p = createJsonlByteParser({ file: 'x' });
    return readSlices(f, SL, (b) => p.push(b)).then(() => p.end());
  }, out);
  const h = await createSHA256();
  await time('SHA-256 (hash-wasm) over 16 MB slices', f, () => { h.init(); return readSlices(f, SL, (b) => h.update(b)).then(() => h.digest('hex')); }, out);
  await time('Blob of each 16 MB slice (chunk storage copy)', f, () => readSlices(f, SL, (b) => new Blob([b])), out);
  // The whole ingest (IndexedDB, SHA-256 worker, mapping), one way after the other on the same file.
  for (const [name, o] of [['sequential (one worker, File.stream())', { parallel: false }], ['parallel, 1 parse worker', { parseWorkers: 1 }], ['parallel, 2 parse workers', { parseWorkers: 2 }]] as const) {
    let counts: Record<string, number> = {};
    await time(`whole ingest: ${name}`, f, async () => {
      const r = await new IngestService().ingest({ kind: 'file', file: f }, (p) => { counts = p.counts as never; }, undefined, o);
      if (r.fatal || r.meta.status !== 'complete') throw new Error(`ingest ${name}: ${r.fatal?.message ?? r.meta.status}`);
    }, out);
    out[out.length - 1].detail = `wait parse ${(counts.readParseMs / 1000).toFixed(2)} s, map+batch ${((counts.mapMs - counts.writeWaitMs) / 1000).toFixed(2)} s, commits ${(counts.writeWaitMs / 1000).toFixed(2)} s`;
  }
  // The parse workers of the app (workers/parse.worker.ts): pieces of 8 MB, 2 in flight per worker.
  for (const n of [1, 2, 3]) {
    await time(`parse workers ×${n}: read + decode + parse + map + chunk Blobs, 8 MB pieces`, f, () => pieces(f, n, det.mapping), out);
  }
  self.postMessage(out);
};

async function pieces(f: File, n: number, mapping: unknown): Promise<void> {
  const ws = Array.from({ length: n }, () => new Worker(new URL('/workers/parse.worker.ts', location.origin), { type: 'module' }));
  const apis = ws.map((w) => Comlink.wrap<PieceWorkerApi>(w));
  await Promise.all(apis.map((a) => a.init({ file: 'x', mapping: mapping as never })));
  const step = 8 << 20;
  const q: Promise<unknown>[] = [];
  let k = 0;
  for (let at = 0; at < f.size; at += step) {
    q.push(apis[k++ % n].parse(f.slice(at, at + step), at === 0, at + step >= f.size));
    if (q.length >= 2 * n) await q.shift();
  }
  await Promise.all(q);
  ws.forEach((w) => w.terminate());
}
