import { describe, expect, it } from 'vitest';
import { featureSettingsDiff } from '../../../src/core/features/settings-diff';

const base = { tokenizer: 'thinksift/qwen3-tokenizer', stepSeparator: '\\n\\s*\\n', rethinkWords: ['wait', 'hmm'] };

describe('featureSettingsDiff', () => {
  it('nothing when equal (word order, case and blanks do not matter)', () => {
    expect(featureSettingsDiff(base, { ...base, rethinkWords: [' Hmm', 'wait', 'wait'] })).toEqual([]);
  });
  it('names each differing setting', () => {
    expect(featureSettingsDiff(base, { tokenizer: 'Qwen/Qwen2.5-7B', stepSeparator: '\\n\\n', rethinkWords: ['wait', 'alternatively'] })).toEqual([
      'tokenizer: measured with "thinksift/qwen3-tokenizer", the recipe asks for "Qwen/Qwen2.5-7B"',
      'step separator: measured with /\\n\\s*\\n/, the recipe asks for /\\n\\n/',
      'rethinking words: the recipe adds "alternatively" and drops "hmm"',
    ]);
  });
});
