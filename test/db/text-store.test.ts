import { afterEach, describe, expect, it, vi } from 'vitest';
import { TextFileWriter, textStoreWritable } from '../../src/db/text-store';

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
