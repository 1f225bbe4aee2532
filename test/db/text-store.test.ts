import { afterEach, describe, expect, it, vi } from 'vitest';
import { TextFileWriter, textStoreWritable } from '../../src/db/text-store';

afterEach(() => {
  vi.restoreAllMocks();
  TextFileWriter.CREATE_STALL_MS = 3000;
});

describe('TextFileWriter.createOrGiveUp', () => {
  it('is undefined where there is no private file system (Node): the caller keeps Blobs', async () => {
    expect(textStoreWritable()).toBe(false);
    await expect(TextFileWriter.createOrGiveUp('ds')).resolves.toBeUndefined();
  });

  it('gives up a create that does not answer, closes it when it answers late, and asks no more', async () => {
    TextFileWriter.CREATE_STALL_MS = 20;
    let answer: (w: TextFileWriter) => void = () => {};
    const late = { close: vi.fn(async () => {}) } as unknown as TextFileWriter;
    const create = vi.spyOn(TextFileWriter, 'create').mockImplementation(() => new Promise((r) => (answer = r)));
    const t0 = performance.now();
    await expect(TextFileWriter.createOrGiveUp('ds')).resolves.toBeUndefined();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(15);
    answer(late);
    await new Promise((r) => setTimeout(r, 0));
    expect(late.close).toHaveBeenCalledOnce();
    // From then on this worker keeps Blobs at once.
    await expect(TextFileWriter.createOrGiveUp('ds')).resolves.toBeUndefined();
    expect(create).toHaveBeenCalledOnce();
  });
});
