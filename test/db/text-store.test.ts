import { afterEach, describe, expect, it, vi } from 'vitest';
import { chunkBytes, pruneText, retryRemove, TextFileWriter, textStoreWritable, trimText } from '../../src/db/text-store';
import type { ChunkRecord } from '../../src/db/schema';
import { fakeOpfs } from './fake-opfs';

afterEach(() => {
  vi.restoreAllMocks();
  TextFileWriter.CREATE_STALL_MS = 250;
  TextFileWriter.RETRY_STALL_MS = 2000;
});

describe('TextFileWriter.createOrGiveUp', () => {
  it('is undefined where there is no private file system (Node): the caller keeps Blobs', async () => {
    expect(textStoreWritable()).toBe(false);
    await expect(TextFileWriter.createOrGiveUp('ds')).resolves.toBeUndefined();
  });

  it('asks again when a create does not answer; two stalls in a row give up for good; late answers are closed', async () => {
    TextFileWriter.CREATE_STALL_MS = 20;
    TextFileWriter.RETRY_STALL_MS = 30;
    const answers: ((w: TextFileWriter) => void)[] = [];
    const made = () => ({ close: vi.fn(async () => {}) }) as unknown as TextFileWriter;
    let stallNext = 1;
    const create = vi.spyOn(TextFileWriter, 'create').mockImplementation(() => {
      if (stallNext-- > 0) return new Promise((r) => answers.push(r));
      return Promise.resolve(made());
    });
    // One stall: the second create answers.
    const first = await TextFileWriter.createOrGiveUp('ds');
    expect(first).toBeDefined();
    expect(create).toHaveBeenCalledTimes(2);
    expect(TextFileWriter.stalls).toBe(1);
    const late = made();
    answers[0](late);
    await new Promise((r) => setTimeout(r, 0));
    expect(late.close).toHaveBeenCalledOnce();
    // Two stalls in a row: undefined (Blobs), and no more creates in this worker.
    stallNext = 2;
    const t0 = performance.now();
    await expect(TextFileWriter.createOrGiveUp('ds')).resolves.toBeUndefined();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(45); // both waits: 20 + 30 ms
    expect(create).toHaveBeenCalledTimes(4);
    await expect(TextFileWriter.createOrGiveUp('ds')).resolves.toBeUndefined();
    expect(create).toHaveBeenCalledTimes(4);
    expect(TextFileWriter.stalls).toBe(3);
  });
});

describe('pruneText and retryRemove', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('removes every file no chunk keeps; a held one is left and named, and removed once let go', async () => {
    const root = fakeOpfs(vi.stubGlobal);
    const dir = await root.getDirectoryHandle('ds-d1', { create: true });
    for (const f of ['a', 'b', 'c', 'd']) dir.files.add(f);
    dir.held.add('c');
    await expect(pruneText('d1', ['a'])).resolves.toEqual(['c']);
    expect([...dir.files].sort()).toEqual(['a', 'c']);
    // A file made after the prune (a resume's) is not among the names retried: never touched.
    dir.files.add('new');
    setTimeout(() => dir.held.delete('c'), 30);
    await expect(retryRemove('d1', ['c'], 10, 10)).resolves.toEqual([]);
    expect([...dir.files].sort()).toEqual(['a', 'new']);
  });

  it('gives up after its tries with the names still held; nothing to do without the folder or OPFS', async () => {
    const root = fakeOpfs(vi.stubGlobal);
    const dir = await root.getDirectoryHandle('ds-d1', { create: true });
    dir.files.add('x');
    dir.held.add('x');
    await expect(retryRemove('d1', ['x'], 3, 1)).resolves.toEqual(['x']);
    await expect(pruneText('other', [])).resolves.toEqual([]);
    await root.removeEntry('ds-d1'); // the dataset deleted meanwhile
    await expect(retryRemove('d1', ['x'], 3, 1)).resolves.toEqual([]);
    vi.unstubAllGlobals();
    vi.stubGlobal('navigator', {});
    await expect(pruneText('d1', [])).resolves.toEqual([]);
  });
});

describe('chunkBytes on a file still being appended to', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('reads a chunk written after the file was first read: the stale snapshot is taken anew', async () => {
    // A parse worker appends all its pieces to one file; a reader may look at an early chunk
    // before a later one is written (Chromium then refuses reads of the earlier snapshot).
    const root = fakeOpfs(vi.stubGlobal);
    const dir = await root.getDirectoryHandle('ds-append1', { create: true });
    const enc = new TextEncoder();
    dir.put('w0', enc.encode('first piece|'));
    const rec = (n: number, at: number, len: number): ChunkRecord => ({ ds: 'append1', n, offsets: new Uint32Array([0, len]), loc: { file: 'w0', at, len } }) as unknown as ChunkRecord;
    const dec = (b: Uint8Array) => new TextDecoder().decode(b);
    expect(dec(await chunkBytes(rec(0, 0, 11)))).toBe('first piece');
    dir.put('w0', enc.encode('first piece|second piece'));
    // The cached snapshot covers chunk 0 but can no longer be read (NotReadableError): taken anew.
    expect(dec(await chunkBytes(rec(0, 0, 11)))).toBe('first piece');
    dir.put('w0', enc.encode('first piece|second piece|third'));
    // A chunk past the end of the cached snapshot: taken anew.
    expect(dec(await chunkBytes(rec(1, 12, 12)))).toBe('second piece');
    // Bytes that are not there at all still fail, naming the chunk and the file.
    await expect(chunkBytes(rec(2, 20, 50))).rejects.toThrow(/chunk 2 \(file w0/);
  });
});

describe('trimText', () => {
  afterEach(() => vi.unstubAllGlobals());

  it("cuts files back to what the stored chunks use; a held file is named and cut once let go; nothing without sync handles", async () => {
    const root = fakeOpfs(vi.stubGlobal);
    const dir = await root.getDirectoryHandle('ds-trim1', { create: true });
    dir.put('a', new Uint8Array(300));
    dir.put('b', new Uint8Array(100));
    dir.put('c', new Uint8Array(500));
    const ends = new Map([['a', 200], ['b', 100], ['c', 120], ['gone', 10]]);
    // Not in a worker with sync access handles (Node, a page): nothing is cut.
    await expect(trimText('trim1', ends)).resolves.toEqual([]);
    expect(dir.data.get('a')!.length).toBe(300);
    vi.stubGlobal('FileSystemSyncAccessHandle', class {});
    dir.held.add('c'); // a terminated parse worker has not let go of it yet
    await expect(trimText('trim1', ends)).resolves.toEqual(['c']);
    expect([dir.data.get('a')!.length, dir.data.get('b')!.length, dir.data.get('c')!.length]).toEqual([200, 100, 500]);
    expect(dir.held.has('a')).toBe(false); // its handle closed
    dir.held.delete('c');
    await expect(trimText('trim1', new Map([['c', 120]]))).resolves.toEqual([]);
    expect(dir.data.get('c')!.length).toBe(120);
    // A held file not yet past its end is named too: its worker may still append a piece to it.
    dir.held.add('b');
    await expect(trimText('trim1', new Map([['b', 100]]))).resolves.toEqual(['b']);
    await expect(trimText('none', ends)).resolves.toEqual([]); // no folder
  });
});
