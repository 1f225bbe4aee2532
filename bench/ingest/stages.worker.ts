/**
 * Stage probe for bench/ingest/stages.mjs: times each step of JSONL ingest on its own in a
 * dedicated worker (where ingest runs), so a design choice can cite a number. Not part of the app.
 */
import { createSHA256 } from 'hash-wasm';
import { detectMapping, mapRecord } from '../../src/core/schema/mapping';
import { createJsonlByteParser } from '../../src/core/parse/jsonl-bytes';

type Row = Record<string, number | string>;
const MB = 1e6;

async function readStream(f: File, each?: (b: Uint8Array) => void): Promise<void> {
  const r = f.stream().getReader();
  for (;;) {
    const x = await r.read();
    if (x.done) break;
    each?.(x.value);
  }
}
async function readSlices(f: File, size: number, each?: (b: Uint8Array) => void): Promise<void> {
  for (let at = 0; at < f.size; at += size) each?.(new Uint8Array(await f.slice(at, at + size).arrayBuffer()));
}
function readSync(f: File, size: number, each?: (b: Uint8Array) => void): void {
  const fr = new FileReaderSync();
  for (let at = 0; at < f.size; at += size) each?.(new Uint8Array(fr.readAsArrayBuffer(f.slice(at, at + size))));
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
  self.postMessage(out);
};
