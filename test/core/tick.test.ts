import { describe, expect, it } from 'vitest';
import { tick } from '../../src/core/tick';

describe('tick', () => {
  it('resolves in a later task, not among the microtasks, each waiter once and in order', async () => {
    const order: string[] = [];
    const all = Promise.all([tick().then(() => order.push('tick 1')), tick().then(() => order.push('tick 2'))]);
    for (let k = 0; k < 20; k++) await Promise.resolve(); // microtasks only
    order.push('microtasks done');
    await all;
    expect(order).toEqual(['microtasks done', 'tick 1', 'tick 2']);
    await tick(); // the channel goes on working
  });
});
