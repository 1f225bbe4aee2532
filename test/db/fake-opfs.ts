/**
 * A folder tree shaped like the origin private file system, as far as src/db/text-store.ts uses
 * it (getDirectoryHandle, keys, removeEntry), for unit tests in Node, which has none. A file can be
 * held, as a sync access handle holds it: removing it then fails with NoModificationAllowedError,
 * as in Chromium, until it is let go.
 */
export class FakeDir {
  readonly dirs = new Map<string, FakeDir>();
  readonly files = new Set<string>();
  readonly held = new Set<string>();

  async getDirectoryHandle(name: string, o: { create?: boolean } = {}): Promise<FakeDir> {
    let d = this.dirs.get(name);
    if (!d) {
      if (!o.create) throw new DOMException(`${name} not found`, 'NotFoundError');
      this.dirs.set(name, (d = new FakeDir()));
    }
    return d;
  }

  async *keys(): AsyncIterable<string> {
    yield* [...this.files, ...this.dirs.keys()];
  }

  async removeEntry(name: string): Promise<void> {
    if (this.held.has(name)) throw new DOMException(`${name} is held`, 'NoModificationAllowedError');
    if (!this.files.delete(name) && !this.dirs.delete(name)) throw new DOMException(`${name} not found`, 'NotFoundError');
  }
}

/** Stub `navigator.storage.getDirectory` with a fresh FakeDir root (undo with vi.unstubAllGlobals). */
export function fakeOpfs(stub: (name: string, value: unknown) => void): FakeDir {
  const root = new FakeDir();
  stub('navigator', { storage: { getDirectory: async () => root } });
  return root;
}
