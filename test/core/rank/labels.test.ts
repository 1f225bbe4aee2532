import { describe, expect, it } from 'vitest';
import { DEITA_INFO, METHOD_INFO, methodTooltip } from '../../../src/core/rank/labels';
import { METHODS } from '../../../src/core/rank/methods';

describe('method labels', () => {
  it('every approximation is named "-style" and says what differs from its paper', () => {
    const approx = METHODS.filter((m) => METHOD_INFO[m].differs);
    expect(approx).toEqual(['s1', 'mid-ppl', 'rds', 'influence']);
    expect(approx.map((m) => METHOD_INFO[m].short)).toEqual(['s1-style', 'Mid-PPL-style', 'RDS+-style', 'Influence-style']);
    expect(METHOD_INFO.influence.label).toMatch(/approximate influence \(LM-head gradients, random projection, no Hessian\)/);
    expect(METHOD_INFO.influence.differs).toMatch(/Yeh et al\. 2022.*Vitel & Chhabra 2025/);
    for (const m of approx) {
      expect(METHOD_INFO[m].label).toMatch(/-style/);
      expect(methodTooltip(m)).toMatch(/What differs from the paper: /);
    }
    expect(DEITA_INFO.short).toBe('DEITA-style');
    expect(DEITA_INFO.differs).toMatch(/Repr filter/);
  });

  it('methods that are the papers\' own have a plain tooltip', () => {
    expect(methodTooltip('longest')).toBe('Longest');
  });
});
