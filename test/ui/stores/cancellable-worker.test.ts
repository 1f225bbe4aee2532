import * as Comlink from 'comlink';
import { describe, expect, it } from 'vitest';
import { cancellableWorker } from '../../../src/ui/stores/cancellable-worker';

/** A stand-in for a module worker: a MessageChannel with `api` exposed on its far end. */
function fakeWorker(api: object): { worker: Worker; terminated: () => boolean } {
  const { port1, port2 } = new MessageChannel();
  Comlink.expose(api, port2 as unknown as Comlink.Endpoint);
  let terminated = false;
  const worker = Object.assign(port1, { terminate: () => { terminated = true; port1.close(); port2.close(); } }) as unknown as Worker;
  return { worker, terminated: () => terminated };
}

describe('cancellableWorker.cancel', () => {
  it('terminates the worker when a call made before the Cancel does not stop within the grace period', async () => {
    const w = fakeWorker({ hang: () => new Promise(() => {}), cancel: () => {} });
    const cw = cancellableWorker<{ hang(): Promise<void>; cancel(): void }>(() => w.worker, 60);
    const hung = cw.api.hang();
    await cw.cancel();
    expect(w.terminated()).toBe(true);
    await expect(hung).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('does not count calls made after the Cancel: a new call in the grace period is not terminated under', async () => {
    let release: () => void = () => {};
    const w = fakeWorker({
      slow: () => new Promise<void>((r) => (release = r)), // stops when cancel() is called
      cancel: () => release(),
      later: () => new Promise((r) => setTimeout(() => r('done'), 150)),
    });
    const cw = cancellableWorker<{ slow(): Promise<void>; cancel(): void; later(): Promise<string> }>(() => w.worker, 100);
    const slow = cw.api.slow();
    await new Promise((r) => setTimeout(r, 10));
    const cancelling = cw.cancel();
    const later = cw.api.later(); // outlives the grace period
    await cancelling;
    await slow;
    expect(w.terminated()).toBe(false);
    await expect(later).resolves.toBe('done');
    cw.terminate();
  });
});
