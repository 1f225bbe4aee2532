import { describe, expect, it } from 'vitest';
import { decideUntagged, splitUntagged } from '../../../src/core/schema/untagged';
import { detectMapping, mapRecord } from '../../../src/core/schema/mapping';
import { originalResponse } from '../../../src/core/schema/response';

const para = (i: number) => `Step ${i}: we compute something and check it.`;

describe('splitUntagged', () => {
  it('the paragraph with the last \\boxed and its "**Final Answer**" lead-in are the answer', () => {
    const text = `${para(1)}\n\n${para(2)}\n\nSo the sum is 7.\n\n**Final Answer**\n\n\\[ \\boxed{7} \\]\n`;
    expect(splitUntagged(text)).toEqual({
      think: `${para(1)}\n\n${para(2)}\n\nSo the sum is 7.`,
      answer: '**Final Answer**\n\n\\[ \\boxed{7} \\]',
      truncated: false,
      style: 'untagged',
    });
  });

  it('a lead-in ending in ":" joins the boxed paragraph', () => {
    const s = splitUntagged(`${para(1)}\n\nThus the answer is:\n\n$\\boxed{4}$`);
    expect(s.think).toBe(para(1));
    expect(s.answer).toBe('Thus the answer is:\n\n$\\boxed{4}$');
  });

  it('without a box, the last answer sentence among the closing paragraphs starts the answer', () => {
    const s = splitUntagged(`${para(1)}\n\n${para(2)}\n\nTherefore, the number of divisors is 9.\n\nI double-checked the list.`);
    expect(s.think).toBe(`${para(1)}\n\n${para(2)}`);
    expect(s.answer).toBe('Therefore, the number of divisors is 9.\n\nI double-checked the list.');
    expect(s.truncated).toBe(false);
  });

  it('a box far before the end is an intermediate result: the answer is near the end', () => {
    const text = ['We get $\\boxed{3}$ for the first part.', para(2), para(3), para(4), para(5), 'The height is 5 cm.'].join('\n\n');
    const s = splitUntagged(text);
    expect(s.answer).toBe('The height is 5 cm.');
    expect(s.think.startsWith('We get $\\boxed{3}$')).toBe(true);
  });

  it('text cut mid-sentence is all thinking, no answer, truncated', () => {
    const text = `${para(1)}\n\n${para(2)}\n\nFrom a^2 + b^2 = c^2 we get\n\na^2 + (0.7c)^2 =`;
    expect(splitUntagged(text)).toEqual({ think: text, answer: '', truncated: true, style: 'untagged' });
    expect(splitUntagged(`${para(1)}\n\nSo,`).truncated).toBe(true);
    // Cut on a connector right after an answer-like opening (Sky-T1 27B MATH500 idx 166, 69).
    expect(splitUntagged(`${para(1)}\n\nTherefore,`).truncated).toBe(true);
    expect(splitUntagged(`${para(1)}\n\nTherefore, \\( z + z^4 +`).truncated).toBe(true);
    expect(splitUntagged(`${para(1)}\n\nTherefore, the sum is 7`).truncated).toBe(false);
  });

  it('one paragraph is all answer', () => {
    expect(splitUntagged('  The answer is $\\boxed{2}$.  ')).toEqual({ think: '', answer: 'The answer is $\\boxed{2}$.', truncated: false, style: 'untagged' });
  });

  it('thinking + answer keep every character of the text but the whitespace between them', () => {
    const text = `${para(1)}\n \n${para(2)}\n\n\n**Final Answer**\n\n\\boxed{1}`;
    const s = splitUntagged(text);
    expect(`${s.think}${text.slice(s.think.length, text.length - s.answer.length)}${s.answer}`).toBe(text);
  });
});

describe('decideUntagged', () => {
  const long = Array.from({ length: 30 }, (_, i) => para(i)).join('\n\n');
  const short = 'Add the numbers.\n\nSo the answer is $\\boxed{3}$.';

  it('long untagged responses → thinking + answer, with the numbers in the reason', () => {
    const d = decideUntagged([{ text: long, tagged: false }, { text: long, tagged: false }, { text: short, tagged: true }]);
    expect(d?.mode).toBe('think-answer');
    expect(d?.reason).toMatch(/^2 of 3 sampled responses have no thought tags \(median [\d,]+ characters, 30 paragraphs\): long/);
  });

  it('short solutions → answer only; nothing untagged → undefined', () => {
    expect(decideUntagged([{ text: short, tagged: false }, { text: short, tagged: false }])?.mode).toBe('answer');
    expect(decideUntagged([{ text: long, tagged: true }])).toBeUndefined();
  });

  it('detectMapping sets mapping.untagged only for long untagged files, and mapRecord splits by it', () => {
    const rows = [0, 1, 2].map((i) => ({ question: `q${i}`, response: `${long}\n\n**Final Answer**\n\n\\boxed{${i}}` }));
    const det = detectMapping(rows);
    expect(det.mapping.untagged).toBe('think-answer');
    expect(det.untaggedReason).toMatch(/long, so read as thinking \+ final answer/);
    const s = mapRecord(rows[1], 1, det.mapping).samples[0];
    expect(s.answer).toBe('**Final Answer**\n\n\\boxed{1}');
    expect(s.think).toBe(long);
    // The same rows with the setting turned to answer-only read as before.
    const a = mapRecord(rows[1], 1, { ...det.mapping, untagged: 'answer' }).samples[0];
    expect([a.think, a.answer]).toEqual(['', rows[1].response]);
    const shortRows = [{ question: 'q', response: short }];
    expect(detectMapping(shortRows).mapping.untagged).toBeUndefined();
  });
});

describe('originalResponse', () => {
  it('gives the response text of sample k exactly as the file holds it', () => {
    const row = { problem: 'p', generations: ['<think>a</think> b', 'c  '] };
    const m = { shape: 'plain' as const, question: 'problem', response: 'generations' };
    expect(originalResponse(row, m, 0)).toBe('<think>a</think> b');
    expect(originalResponse(row, m, 1)).toBe('c  ');
    expect(originalResponse(row, m, 2)).toBeUndefined();
    const chat = { messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: ' r ' }] };
    expect(originalResponse(chat, { shape: 'messages', conversation: 'messages' }, 0)).toBe(' r ');
  });
});
