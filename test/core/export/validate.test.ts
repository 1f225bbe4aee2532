import { describe, expect, it } from 'vitest';
import { validateRecord } from '../../../src/core/export/validate';

const sys = { role: 'system', content: 'S' };
const user = { role: 'user', content: 'Q' };
const asst = { role: 'assistant', content: 'A' };

/** Asserts `validateRecord` finds problems and that one of them contains `needle`. */
function rejects(format: string, record: unknown, needle: string): void {
  const problems = validateRecord(format, record);
  expect(problems.length, `no problem found for ${JSON.stringify(record)}`).toBeGreaterThan(0);
  expect(problems.join('\n')).toContain(needle);
}

describe('validateRecord: generic', () => {
  it('unknown format and non-object records', () => {
    expect(validateRecord('nope', {})).toEqual(['unknown format "nope"']);
    expect(validateRecord('toString', {})).toEqual(['unknown format "toString"']);
    rejects('trl-messages', null, 'expected an object');
    rejects('trl-messages', [user, asst], 'expected an object');
    rejects('original', 'text', 'expected an object');
  });
  it('original accepts any object', () => {
    expect(validateRecord('original', { anything: [1, 2], x: null })).toEqual([]);
  });
});

for (const id of ['trl-messages', 'axolotl-chat-template']) {
  describe(`validateRecord: ${id}`, () => {
    it('accepts [user, assistant], [system, user, assistant] and multi-turn', () => {
      expect(validateRecord(id, { messages: [user, asst] })).toEqual([]);
      expect(validateRecord(id, { messages: [sys, user, asst] })).toEqual([]);
      expect(validateRecord(id, { messages: [sys, user, asst, user, asst] })).toEqual([]);
    });
    it('rejects a missing or unknown field', () => {
      rejects(id, {}, 'missing field "messages"');
      rejects(id, { messages: [user, asst], extra: 1 }, 'unknown field "extra"');
      rejects(id, { messages: [{ role: 'user' }, asst] }, 'messages[0]: missing field "content"');
      rejects(id, { messages: [{ role: 'user', content: 'Q', name: 'x' }, asst] }, 'unknown field "name"');
      rejects(id, { conversations: [user, asst] }, 'unknown field "conversations"');
    });
    it('rejects a wrong role', () => {
      rejects(id, { messages: [{ role: 'human', content: 'Q' }, asst] }, 'messages[0].role: expected one of system, user, assistant');
      rejects(id, { messages: [user, { role: 'gpt', content: 'A' }] }, 'messages[1].role');
    });
    it('rejects a wrong order', () => {
      rejects(id, { messages: [asst, user] }, 'messages[0].role: expected "user", got "assistant"');
      rejects(id, { messages: [user, sys, asst] }, 'messages[1].role: a system message must come first');
      rejects(id, { messages: [user, user, asst] }, 'messages[1].role: expected "assistant", got "user"');
      rejects(id, { messages: [sys, user] }, 'the last message must be "assistant"');
      rejects(id, { messages: [] }, 'messages: empty list');
      rejects(id, { messages: 'Q' }, 'expected a list of messages');
    });
    it('rejects empty or non-string content', () => {
      rejects(id, { messages: [user, { role: 'assistant', content: '' }] }, 'messages[1].content: empty string');
      rejects(id, { messages: [{ role: 'user', content: '  \n' }, asst] }, 'messages[0].content: empty string');
      rejects(id, { messages: [{ role: 'user', content: 3 }, asst] }, 'messages[0].content: expected a string');
    });
  });
}

describe('validateRecord: trl-prompt-completion', () => {
  it('accepts prompt [system?, user] and completion [assistant]', () => {
    expect(validateRecord('trl-prompt-completion', { prompt: [user], completion: [asst] })).toEqual([]);
    expect(validateRecord('trl-prompt-completion', { prompt: [sys, user], completion: [asst] })).toEqual([]);
  });
  it('rejects broken records', () => {
    rejects('trl-prompt-completion', { prompt: [user] }, 'missing field "completion"');
    rejects('trl-prompt-completion', { prompt: [user, asst], completion: [asst] }, 'prompt: the last message must be "user"');
    rejects('trl-prompt-completion', { prompt: [user], completion: [user] }, 'completion[0].role: expected "assistant"');
    rejects('trl-prompt-completion', { prompt: [user], completion: [sys, asst] }, 'completion[0].role: no system message allowed');
    rejects('trl-prompt-completion', { prompt: 'Q', completion: 'A' }, 'prompt: expected a list of messages');
    rejects('trl-prompt-completion', { messages: [user, asst] }, 'unknown field "messages"');
  });
});

describe('validateRecord: llamafactory-alpaca', () => {
  it('accepts the documented fields, input may be empty', () => {
    expect(validateRecord('llamafactory-alpaca', { instruction: 'Q', input: '', output: 'A' })).toEqual([]);
    expect(validateRecord('llamafactory-alpaca', { instruction: 'Q', input: '', output: 'A', system: 'S' })).toEqual([]);
    expect(validateRecord('llamafactory-alpaca', { instruction: 'Q', output: 'A', history: [['q0', 'a0']] })).toEqual([]);
  });
  it('rejects broken records', () => {
    rejects('llamafactory-alpaca', { instruction: 'Q', input: '' }, 'missing field "output"');
    rejects('llamafactory-alpaca', { prompt: 'Q', output: 'A' }, 'missing field "instruction"');
    rejects('llamafactory-alpaca', { instruction: 'Q', output: 'A', response: 'A' }, 'unknown field "response"');
    rejects('llamafactory-alpaca', { instruction: '', output: 'A' }, 'instruction: empty string');
    rejects('llamafactory-alpaca', { instruction: 'Q', output: 'A', system: '' }, 'system: empty string');
    rejects('llamafactory-alpaca', { instruction: 'Q', output: 'A', input: null }, 'input: expected a string');
    rejects('llamafactory-alpaca', { instruction: 'Q', output: 'A', history: [['q0']] }, 'history[0]');
  });
});

describe('validateRecord: llamafactory-sharegpt', () => {
  const human = { from: 'human', value: 'Q' };
  const gpt = { from: 'gpt', value: 'A' };
  it('accepts human/gpt turns, a system field or a leading system message', () => {
    expect(validateRecord('llamafactory-sharegpt', { conversations: [human, gpt] })).toEqual([]);
    expect(validateRecord('llamafactory-sharegpt', { conversations: [human, gpt], system: 'S' })).toEqual([]);
    expect(validateRecord('llamafactory-sharegpt', { conversations: [{ from: 'system', value: 'S' }, human, gpt] })).toEqual([]);
    expect(validateRecord('llamafactory-sharegpt', { conversations: [human, gpt, human, gpt] })).toEqual([]);
  });
  it('rejects a wrong role', () => {
    rejects('llamafactory-sharegpt', { conversations: [{ from: 'user', value: 'Q' }, gpt] }, 'conversations[0].from: expected one of human, observation');
    rejects('llamafactory-sharegpt', { conversations: [human, { from: 'assistant', value: 'A' }] }, 'conversations[1].from');
    rejects('llamafactory-sharegpt', { conversations: [{ role: 'user', content: 'Q' }, gpt] }, 'conversations[0]: missing field "from"');
  });
  it('rejects a wrong order', () => {
    rejects('llamafactory-sharegpt', { conversations: [gpt, human] }, 'conversations[0].from');
    rejects('llamafactory-sharegpt', { conversations: [human] }, 'odd number of turns');
    rejects('llamafactory-sharegpt', { conversations: [human, { from: 'system', value: 'S' }, gpt] }, 'a system message must come first');
    rejects('llamafactory-sharegpt', { conversations: [] }, 'no messages');
  });
  it('rejects missing or unknown fields and empty values', () => {
    rejects('llamafactory-sharegpt', { system: 'S' }, 'missing field "conversations"');
    rejects('llamafactory-sharegpt', { conversations: [human, gpt], messages: [] }, 'unknown field "messages"');
    rejects('llamafactory-sharegpt', { conversations: [human, { from: 'gpt', value: '' }] }, 'conversations[1].value: empty string');
    rejects(
      'llamafactory-sharegpt',
      { conversations: [{ from: 'system', value: 'S' }, human, gpt], system: 'S' },
      'system prompt given twice',
    );
  });
});

describe('validateRecord: openrlhf', () => {
  it('accepts strings (with optional system) or message lists', () => {
    expect(validateRecord('openrlhf', { input: 'Q', output: 'A' })).toEqual([]);
    expect(validateRecord('openrlhf', { input: 'Q', output: 'A', system: 'S' })).toEqual([]);
    expect(validateRecord('openrlhf', { input: [sys, user], output: [asst] })).toEqual([]);
  });
  it('rejects broken records', () => {
    rejects('openrlhf', { input: 'Q' }, 'missing field "output"');
    rejects('openrlhf', { prompt: 'Q', output: 'A' }, 'unknown field "prompt"');
    rejects('openrlhf', { input: 'Q', output: '' }, 'output: empty string');
    rejects('openrlhf', { input: 'Q', output: [asst] }, 'input: expected a list of messages');
    rejects('openrlhf', { input: [user], output: [asst], system: 'S' }, 'system: with message lists');
    rejects('openrlhf', { input: [asst], output: [user] }, 'input[0].role: expected "user"');
    rejects('openrlhf', { input: [user], output: [{ role: 'bot', content: 'A' }] }, 'output[0].role');
  });
});
