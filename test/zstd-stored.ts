/**
 * zstd frames of raw (stored) blocks: valid zstd that any decoder reads, written without a zstd
 * library (Node 20 has none). Frame header: single segment, 4-byte content size; blocks ≤ 128 KB.
 */
export function zstdStored(input: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(input.length / (128 << 10)));
  const out = new Uint8Array(4 + 1 + 4 + blocks * 3 + input.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, 0xfd2fb528, true);
  out[4] = 0xa0; // FCS_Field_Size 4 bytes, Single_Segment
  v.setUint32(5, input.length, true);
  let at = 9;
  for (let b = 0; b < blocks; b++) {
    const part = input.subarray(b * (128 << 10), Math.min(input.length, (b + 1) * (128 << 10)));
    const h = (b === blocks - 1 ? 1 : 0) | (0 << 1) | (part.length << 3); // last flag, Raw_Block, size
    out[at] = h & 0xff; out[at + 1] = (h >> 8) & 0xff; out[at + 2] = (h >> 16) & 0xff;
    out.set(part, at + 3);
    at += 3 + part.length;
  }
  return out;
}
