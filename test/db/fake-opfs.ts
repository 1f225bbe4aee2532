/**
 * A folder tree shaped like the origin private file system, as far as src/db/text-store.ts uses
 * it (getDirectoryHandle, keys, removeEntry, getFileHandle → getFile / createSyncAccessHandle), for
 * unit tests in Node, which has none. A file can be held, as a sync access handle holds it:
 * removing it or opening another handle then fails with NoModificationAllowedError, as in
 * Chromium, until it is let go. A file's bytes are in `data` (none: empty); getFile() gives a
 * snapshot that, as in Chromium, can no longer be read once the file changed (NotReadableError).
 */
export class FakeDir {
  readonly dirs = new Map<string, FakeDir>();
  readonly files = new Set<string>();
  readonly held = new Set<string>();
  readonly data = new Map<string, Uint8Array>();
  /** Changes per file, for snapshots. */
  private readonly version = new Map<string, number>();

  /** Set (or replace) a file's bytes: the file changes. */
  put(name: string, bytes: Uint8Array): void {
    this.files.add(name);
    this.data.set(name, bytes);
    this.version.set(name, (this.version.get(name) ?? 0) + 1);
  }

  async getFileHandle(name: string): Promise<{ getFile(): Promise<Blob>; createSyncAccessHandle(): Promise<{ getSize(): number; truncate(n: number): void; flush(): void; close(): void }> }> {
    if (!this.files.has(name)) throw new DOMException(`${name} not found`, 'NotFoundError');
    return {
      getFile: async () => {
        const bytes = this.data.get(name) ?? new Uint8Array(0);
        const v = this.version.get(name) ?? 0;
        const snapshot = new Blob([bytes as Uint8Array<ArrayBuffer>]);
        const stale = () => (this.version.get(name) ?? 0) !== v;
        // A Blob whose reads fail once the file changed after the snapshot.
        return Object.assign(snapshot, {
          slice: (a?: number, b?: number) => {
            const part = Blob.prototype.slice.call(snapshot, a, b);
            return Object.assign(part, { arrayBuffer: async () => { if (stale()) throw new DOMException('changed', 'NotReadableError'); return Blob.prototype.arrayBuffer.call(part); } });
          },
        });
      },
      createSyncAccessHandle: async () => {
        if (this.held.has(name)) throw new DOMException(`${name} is held`, 'NoModificationAllowedError');
        this.held.add(name);
        return {
          getSize: () => (this.data.get(name) ?? new Uint8Array(0)).length,
          truncate: (n: number) => this.put(name, (this.data.get(name) ?? new Uint8Array(0)).slice(0, n)),
          flush: () => {},
          close: () => void this.held.delete(name),
        };
      },
    };
  }

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
    this.data.delete(name);
  }
}

/** Stub `navigator.storage.getDirectory` with a fresh FakeDir root (undo with vi.unstubAllGlobals). */
export function fakeOpfs(stub: (name: string, value: unknown) => void): FakeDir {
  const root = new FakeDir();
  stub('navigator', { storage: { getDirectory: async () => root } });
  return root;
}
