import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { selectionHash } from '../../../src/core/recipe/hash';

const reference = (ids: string[]): string =>
  createHash('sha256')
    .update([...ids].sort().join('\n'), 'utf8')
    .digest('hex');

describe('selectionHash', () => {
  it('is the SHA-256 of the sorted ids joined by newlines', async () => {
    const ids = ['row:10', 'row:2', 'b3f1:0', 'Ärger', '😀', 'row:1'];
    expect(await selectionHash(ids)).toBe(reference(ids));
    // Code-unit order: 'row:10' < 'row:2', upper case before lower case, astral after BMP letters.
    expect(await selectionHash(ids)).toBe(
      createHash('sha256').update(['b3f1:0', 'row:1', 'row:10', 'row:2', 'Ärger', '😀'].join('\n')).digest('hex'),
    );
  });

  it('does not depend on the order of the ids and leaves the input alone', async () => {
    const ids = ['c', 'a', 'b'];
    expect(await selectionHash(ids)).toBe(await selectionHash(['a', 'b', 'c']));
    expect(ids).toEqual(['c', 'a', 'b']);
  });

  it('hashes the empty selection as the empty string', async () => {
    expect(await selectionHash([])).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});
