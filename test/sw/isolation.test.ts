import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { isolationSummary, offerReload, shouldAutoReload, wasmThreads } from '../../src/sw/isolation';
import { precacheFiles, precacheVersion } from '../../src/sw/manifest';

describe('isolation decisions', () => {
  const base = { isolated: false, workerActive: true, alreadyTried: false, interacted: false };

  it('reloads by itself once, only when that gains isolation and cuts off nothing', () => {
    expect(shouldAutoReload(base)).toBe(true);
    expect(shouldAutoReload({ ...base, isolated: true })).toBe(false);
    expect(shouldAutoReload({ ...base, workerActive: false })).toBe(false);
    expect(shouldAutoReload({ ...base, alreadyTried: true })).toBe(false);
    expect(shouldAutoReload({ ...base, interacted: true })).toBe(false);
  });

  it('offers the reload as a button after the user started something, never twice', () => {
    expect(offerReload({ ...base, interacted: true })).toBe(true);
    expect(offerReload({ ...base, alreadyTried: true })).toBe(false);
    expect(offerReload({ ...base, isolated: true })).toBe(false);
  });

  it('says what isolation costs in WASM threads', () => {
    expect(wasmThreads(false, 8)).toBe(1);
    expect(wasmThreads(true, 8)).toBe(4);
    expect(wasmThreads(true, 2)).toBe(2);
    expect(wasmThreads(true, 0)).toBe(1);
    expect(isolationSummary(true, 2)).toBe('Cross-origin isolated: WASM runs on 2 threads');
    expect(isolationSummary(false, 8)).toBe('Not cross-origin isolated: WASM runs on 1 thread (4 when isolated)');
    expect(isolationSummary(false, 1)).toBe('Not cross-origin isolated: WASM runs on 1 thread');
  });
});

describe('precache manifest', () => {
  const sha = (s: string) => createHash('sha256').update(s).digest('hex');

  it('keeps the shell, chunks, WASM, tokenizer and sample; skips the worker, host files and maps', () => {
    const files = precacheFiles(['sw.js', '_headers', '404.html', 'index.html', 'assets/index-a.js', 'assets/index-a.js.map', 'assets/ort-x.wasm',
      'models/thinksift/qwen3-tokenizer/tokenizer.json', 'sample/thinksift-sample.jsonl', '.DS_Store', 'assets/.hidden']);
    expect(files).toEqual(['assets/index-a.js', 'assets/ort-x.wasm', 'index.html', 'models/thinksift/qwen3-tokenizer/tokenizer.json', 'sample/thinksift-sample.jsonl']);
  });

  it('the version changes with any content, file or app version, and not with listing order', () => {
    const a: [string, string][] = [['index.html', 'h1'], ['assets/a.js', 'h2']];
    const v = precacheVersion('0.1.0', a, sha);
    expect(v).toMatch(/^0\.1\.0-[0-9a-f]{16}$/);
    expect(precacheVersion('0.1.0', [...a].reverse(), sha)).toBe(v);
    expect(precacheVersion('0.1.0', [['index.html', 'h1'], ['assets/a.js', 'h3']], sha)).not.toBe(v);
    expect(precacheVersion('0.1.0', [...a, ['sample/s.jsonl', 'h4']], sha)).not.toBe(v);
    expect(precacheVersion('0.2.0', a, sha)).not.toBe(v);
  });
});
