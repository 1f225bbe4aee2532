import { describe, expect, it } from 'vitest';
import { unsafeRegexReason } from '../../src/core/safe-regex';
import { compileStepSeparator } from '../../src/core/features/features';

describe('unsafeRegexReason', () => {
  it('refuses nested unbounded repetition and backreferences', () => {
    for (const src of ['(?:[\\s\\S]+)+#', '(a+)+$', '(?:a*)*', '((ab)*c)+', '(?:x+){2,}', '(?:\\n\\s*)+\\n', '(a|b+)*', '(.)\\1', '(?<w>a)\\k<w>', '((?:a|b)+)*']) {
      expect(unsafeRegexReason(src), src).toBeDefined();
    }
  });
  it('accepts what step separators look like, including quantifier characters inside classes and escapes', () => {
    for (const src of ['\\n\\s*\\n', '\\n\\n+', '(?:\\n|\\r\\n){2,}', '\\n(?=Step \\d+)', '[+*]{2,}', '\\+\\+', '(?:ab)+', '(?:\\n\\s*){2}', 'a?b?c?', '\\n{2,}', '(?:---)+']) {
      expect(unsafeRegexReason(src), src).toBeUndefined();
    }
  });
  it('the step separator compiler refuses a catastrophic pattern with a message, quickly', () => {
    const t0 = performance.now();
    expect(() => compileStepSeparator('(?:[\\s\\S]+)+#')).toThrow(/The step separator \/\(\?:\[\\s\\S\]\+\)\+#\/ is refused: a repeated group holds another unbounded repetition/);
    expect(performance.now() - t0).toBeLessThan(100);
    expect(compileStepSeparator('\\n\\s*\\n')).toBeInstanceOf(RegExp);
  });
});
