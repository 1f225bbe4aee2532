import { compressors } from 'hyparquet-compressors';
import { describe, expect, it } from 'vitest';
import { zstdStored } from './zstd-stored';

// The e2e fixtures fall back to these frames where Debian's zstd is not installed: any zstd decoder must read them.
describe('zstdStored', () => {
  it('writes frames that fzstd reads back, empty, small and over one 128 KB block', () => {
    for (const n of [0, 5, 128 << 10, (128 << 10) + 1, 400_000]) {
      const input = Uint8Array.from({ length: n }, (_, i) => (i * 31 + (i >> 7)) & 0xff);
      expect(compressors.ZSTD!(zstdStored(input), n)).toEqual(input);
    }
  });
});
