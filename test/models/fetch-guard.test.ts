import { describe, expect, it } from 'vitest';
import { FetchGuard, fileOfUrl } from '../../src/models/fetch-guard';
import { FOLDER_HOST } from '../../src/models/model-cache';
import type { ProgressEvent } from '../../src/core/rate';

const U = 'http://h/org/m/resolve/main/';

/** A body in chunks; `cutAfter` errors the stream after that many chunks, as a dropped connection does. */
function body(chunks: Uint8Array[], cutAfter?: number): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    pull(ctrl) {
      if (cutAfter !== undefined && i === cutAfter) return ctrl.error(new TypeError('network error'));
      if (i < chunks.length) ctrl.enqueue(chunks[i++]);
      else ctrl.close();
    },
  });
}

function guardWith(res: () => Response | Promise<Response>): { g: FetchGuard; events: ProgressEvent[] } {
  const g = new FetchGuard(async () => res());
  const events: ProgressEvent[] = [];
  g.begin((p) => events.push(p));
  return { g, events };
}

const bytes = (n: number) => new Uint8Array(n).fill(7);

describe('FetchGuard', () => {
  it('streams a file through, counting the bytes that arrive; 100% only at the end', async () => {
    const { g, events } = guardWith(() => new Response(body([bytes(300), bytes(700)]), { headers: { 'content-length': '1000' } }));
    const res = await g.fetch(`${U}onnx/model.onnx`);
    expect((await res.arrayBuffer()).byteLength).toBe(1000);
    expect(events[0]).toMatchObject({ stage: 'download onnx/model.onnx', done: 0, total: 1000 });
    expect(events.at(-1)).toMatchObject({ done: 1000, total: 1000 });
    expect(events.filter((e) => e.done === 1000).length).toBeGreaterThan(0);
    expect(events.slice(0, -1).every((e) => e.done < 1000)).toBe(true);
    expect([...g.fetched]).toEqual([`${U}onnx/model.onnx`]);
  });

  it('a host that cannot be reached: the URL is named', async () => {
    const g = new FetchGuard(async () => { throw new TypeError('Failed to fetch'); });
    await expect(g.fetch(`${U}config.json`)).rejects.toThrow(`Could not reach ${U}config.json (Failed to fetch): is the model host up`);
  });

  it('an HTML page where JSON or ONNX is expected is refused, by content-type or by its first bytes', async () => {
    const html = () => new Response('<!doctype html><p>app', { headers: { 'content-type': 'text/html' } });
    await expect(guardWith(html).g.fetch(`${U}config.json`)).rejects.toThrow(`${U}config.json answered with an HTML page (status 200, text/html) where JSON was expected`);
    const sneaky = () => new Response(body([new TextEncoder().encode('  <!DOCTYPE html><html>')]), { headers: { 'content-type': 'application/octet-stream' } });
    const res = await guardWith(sneaky).g.fetch(`${U}tokenizer.json`);
    await expect(res.text()).rejects.toThrow(`${U}tokenizer.json answered with an HTML page`);
  });

  it('HTTP errors pass through to the loader (optional files may be missing) and are remembered', async () => {
    const { g } = guardWith(() => new Response('{"error":"Entry not found"}', { status: 404 }));
    const res = await g.fetch(`${U}generation_config.json`);
    expect(res.status).toBe(404);
    expect(g.failures).toEqual([`${U}generation_config.json answered 404 Not Found: the model has no file generation_config.json there`]);
    g.begin(() => {});
    expect(g.failures).toEqual([]);
  });

  it('a body shorter than its Content-Length, or one that breaks off, names the URL and the bytes', async () => {
    const short = await guardWith(() => new Response(body([bytes(400)]), { headers: { 'content-length': '1000' } })).g.fetch(`${U}onnx/model.onnx`);
    await expect(short.arrayBuffer()).rejects.toThrow(`The download of ${U}onnx/model.onnx ended after 400 of 1000 bytes: the file is truncated`);
    const cut = await guardWith(() => new Response(body([bytes(400), bytes(600)], 1), { headers: { 'content-length': '1000' } })).g.fetch(`${U}onnx/model.onnx`);
    await expect(cut.arrayBuffer()).rejects.toThrow(`The download of ${U}onnx/model.onnx broke off after 400 of 1000 bytes (network error)`);
  });

  it('folder models are never fetched; Range probes pass untouched', async () => {
    let calls = 0;
    const g = new FetchGuard(async () => { calls++; return new Response('x', { status: 206 }); });
    expect((await g.fetch(`${FOLDER_HOST}local/m/resolve/main/generation_config.json`)).status).toBe(404);
    expect(calls).toBe(0);
    expect((await g.fetch(`${U}onnx/model.onnx`, { headers: { Range: 'bytes=0-0' } })).status).toBe(206);
    expect(g.fetched.size).toBe(0);
  });

  it('file names come from the Hub layout', () => {
    expect(fileOfUrl(`${U}onnx/model_q4f16.onnx`)).toBe('onnx/model_q4f16.onnx');
    expect(fileOfUrl('/models/tiny/config.json')).toBe('config.json');
  });
});
