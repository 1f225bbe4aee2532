import { describe, expect, it } from 'vitest';
import { validatePairRecord } from '../../../src/core/pairs/validate';

const sys = { role: 'system', content: 'S' };
const user = { role: 'user', content: 'Q' };
const long = { role: 'assistant', content: 'long' };
const short = { role: 'assistant', content: 'short' };

/** Asserts problems are found and one of them is exactly `problem`. */
function rejects(format: string, record: unknown, problem: string): void {
  const problems = validatePairRecord(format, record);
  expect(problems, JSON.stringify(record)).toContain(problem);
}

describe('validatePairRecord: generic', () => {
  it('unknown formats and non-objects', () => {
    expect(validatePairRecord('trl-messages', {})).toEqual(['unknown format "trl-messages"']);
    expect(validatePairRecord('constructor', {})).toEqual(['unknown format "constructor"']);
    rejects('trl-preference', [user], 'record: expected an object, got an array');
    rejects('openrlhf-pairs', null, 'record: expected an object, got null');
  });
});

describe('validatePairRecord: trl-preference', () => {
  const ok = { prompt: [sys, user], chosen: [long], rejected: [short] };
  it('accepts the explicit-prompt shape, with or without system', () => {
    expect(validatePairRecord('trl-preference', ok)).toEqual([]);
    expect(validatePairRecord('trl-preference', { ...ok, prompt: [user] })).toEqual([]);
  });
  it('reports problems under the pair field names, once', () => {
    rejects('trl-preference', { prompt: [user], chosen: [long] }, 'record: missing field "rejected"');
    rejects('trl-preference', { ...ok, id: 3 }, 'record: unknown field "id"');
    rejects('trl-preference', { ...ok, chosen: [user] }, 'chosen[0].role: expected "assistant", got "user" (turns alternate)');
    rejects('trl-preference', { ...ok, rejected: [{ role: 'assistant', content: ' ' }] }, 'rejected[0].content: empty string');
    rejects('trl-preference', { ...ok, rejected: 'short' }, 'rejected: expected a list of messages, got "short"');
    const problems = validatePairRecord('trl-preference', { ...ok, prompt: [long] });
    expect(problems.filter((p) => p.startsWith('prompt[0].role'))).toHaveLength(1);
    rejects('trl-preference', { ...ok, rejected: [long] }, 'chosen and rejected are the same response');
  });
});

describe('validatePairRecord: trl-preference-implicit', () => {
  it('accepts [system?, user, assistant] on both sides with the same prompt', () => {
    expect(validatePairRecord('trl-preference-implicit', { chosen: [sys, user, long], rejected: [sys, user, short] })).toEqual([]);
  });
  it('rejects different prompts, a missing assistant turn, and wrong field names', () => {
    rejects('trl-preference-implicit', { chosen: [sys, user, long], rejected: [user, short] }, 'chosen and rejected must share every message but the last (the implicit prompt)');
    rejects('trl-preference-implicit', { chosen: [user, long], rejected: [user] }, 'rejected: the last message must be "assistant", got "user"');
    rejects('trl-preference-implicit', { messages: [user, long], rejected: [user, short] }, 'record: missing field "chosen"');
  });
});

describe('validatePairRecord: llamafactory-ranking', () => {
  const ok = { instruction: 'Q', input: '', chosen: 'long', rejected: 'short' };
  it('accepts the documented shape, input and system optional', () => {
    expect(validatePairRecord('llamafactory-ranking', ok)).toEqual([]);
    expect(validatePairRecord('llamafactory-ranking', { instruction: 'Q', chosen: 'long', rejected: 'short', system: 'S' })).toEqual([]);
  });
  it('rejects SFT fields, non-string answers and empty texts', () => {
    rejects('llamafactory-ranking', { ...ok, output: 'x' }, 'record: unknown field "output"');
    rejects('llamafactory-ranking', { ...ok, history: [] }, 'record: unknown field "history"');
    rejects('llamafactory-ranking', { ...ok, chosen: { from: 'gpt', value: 'long' } }, 'chosen: expected a string, got object');
    rejects('llamafactory-ranking', { ...ok, instruction: '' }, 'instruction: empty string');
    rejects('llamafactory-ranking', { ...ok, system: '' }, 'system: empty string');
  });
});

describe('validatePairRecord: openrlhf-pairs', () => {
  it('accepts strings (with system) and message lists', () => {
    expect(validatePairRecord('openrlhf-pairs', { prompt: 'Q', chosen: 'long', rejected: 'short', system: 'S' })).toEqual([]);
    expect(validatePairRecord('openrlhf-pairs', { prompt: [sys, user], chosen: [long], rejected: [short] })).toEqual([]);
  });
  it('rejects mixed forms and a system field beside message lists', () => {
    rejects('openrlhf-pairs', { prompt: [user], chosen: [long], rejected: 'short' }, 'rejected: expected a list of messages, got "short"');
    rejects('openrlhf-pairs', { prompt: 'Q', chosen: [long], rejected: [short] }, 'prompt: expected a list of messages, got "Q"');
    rejects('openrlhf-pairs', { prompt: [user], chosen: [long], rejected: [short], system: 'S' }, 'system: with message lists the system prompt goes first in "prompt"');
    rejects('openrlhf-pairs', { prompt: 'Q', chosen: 'same', rejected: 'same' }, 'chosen and rejected are the same response');
  });
  it('a missing side is reported once, as missing', () => {
    expect(validatePairRecord('openrlhf-pairs', { prompt: [user], chosen: [long] })).toEqual(['record: missing field "rejected"']);
  });
});
