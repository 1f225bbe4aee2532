import { describe, expect, it } from 'vitest';
import { splitThink } from '../../../src/core/schema/think';
import { reasoningText, splitSteps } from '../../../src/core/schema/steps';

const BOT = '<|begin_of_thought|>';
const EOT = '<|end_of_thought|>';
const BOS = '<|begin_of_solution|>';
const EOS = '<|end_of_solution|>';

describe('splitThink: <think> tags', () => {
  it('splits a closed block and trims both parts', () => {
    expect(splitThink('<think>\nLet me add.\n\n2+2=4\n</think>\n\nThe answer is \\boxed{4}.\n')).toEqual({
      think: 'Let me add.\n\n2+2=4',
      answer: 'The answer is \\boxed{4}.',
      truncated: false,
      style: 'think-tags',
    });
  });
  it('keeps an empty thinking block', () => {
    expect(splitThink('<think></think>42')).toEqual({ think: '', answer: '42', truncated: false, style: 'think-tags' });
  });
  it('close tag only: the opening was in the prompt', () => {
    expect(splitThink('Okay, so 3*3=9.\n</think>\n\n**9**')).toEqual({
      think: 'Okay, so 3*3=9.',
      answer: '**9**',
      truncated: false,
      style: 'think-close-only',
    });
  });
  it('open tag without close: truncated, everything after the tag is thinking', () => {
    expect(splitThink('<think>\nWait, maybe\n\nHmm')).toEqual({ think: 'Wait, maybe\n\nHmm', answer: '', truncated: true, style: 'think-tags' });
  });
  it('text before <think> is kept at the start of think', () => {
    expect(splitThink('Sure.\n<think>a</think>b')).toEqual({ think: 'Sure.\n\na', answer: 'b', truncated: false, style: 'think-tags' });
  });
  it('only the first </think> after the opening closes the block', () => {
    const r = splitThink('<think>x</think>y</think>z');
    expect(r.think).toBe('x');
    expect(r.answer).toBe('y</think>z');
  });
  it('thinkOpenedInPrompt: an untagged text is an unclosed thinking block', () => {
    expect(splitThink('Let me think about 7*8', { thinkOpenedInPrompt: true })).toEqual({
      think: 'Let me think about 7*8',
      answer: '',
      truncated: true,
      style: 'think-close-only',
    });
    // ... but a closed one is parsed normally.
    expect(splitThink('a</think>b', { thinkOpenedInPrompt: true }).truncated).toBe(false);
  });
});

describe('splitThink: Sky-T1 tags', () => {
  it('splits thought and solution blocks', () => {
    const t = `${BOT}\n\nStep one.\n\nStep two.\n\n${EOT}\n\n${BOS}\n\nThe answer is \\boxed{5}.\n${EOS}`;
    expect(splitThink(t)).toEqual({ think: 'Step one.\n\nStep two.', answer: 'The answer is \\boxed{5}.', truncated: false, style: 'sky-thought' });
  });
  it('unclosed thought block: truncated, no answer', () => {
    expect(splitThink(`${BOT}\nSo I have this problem\n\nand more`)).toEqual({
      think: 'So I have this problem\n\nand more',
      answer: '',
      truncated: true,
      style: 'sky-thought',
    });
  });
  it('unclosed solution block: answer = the rest, flagged truncated', () => {
    expect(splitThink(`${BOT}a${EOT}\n${BOS}\nTo solve, note 1.`)).toEqual({ think: 'a', answer: 'To solve, note 1.', truncated: true, style: 'sky-thought' });
  });
  it('end-of-thought without an opening: think = text before it; no solution block: answer = text after', () => {
    expect(splitThink(`So I think.\n${EOT}\n<|im_start|>solution\nIt is 3.`)).toEqual({
      think: 'So I think.',
      answer: '<|im_start|>solution\nIt is 3.',
      truncated: false,
      style: 'sky-thought',
    });
  });
  it('solution block without thought tags: text before it is thinking', () => {
    expect(splitThink(`I reason here.\n${BOS}x=1${EOS}`)).toEqual({ think: 'I reason here.', answer: 'x=1', truncated: false, style: 'sky-thought' });
  });
  it('text between and after the blocks is appended to the answer', () => {
    const r = splitThink(`${BOT}t${EOT} note ${BOS}s${EOS} tail`);
    expect(r).toEqual({ think: 't', answer: 'note\n\ns\n\ntail', truncated: false, style: 'sky-thought' });
  });
  it('solution opened before the thought closed ends the thinking', () => {
    expect(splitThink(`${BOT}t\n${BOS}s${EOS}`)).toEqual({ think: 't', answer: 's', truncated: false, style: 'sky-thought' });
  });
  it('only an end-of-solution marker: all text is the answer', () => {
    expect(splitThink(`x = 2\n${EOS}`)).toEqual({ think: '', answer: 'x = 2', truncated: false, style: 'sky-thought' });
  });
});

describe('splitThink: untagged and empty', () => {
  it('untagged text is all answer', () => {
    expect(splitThink('  Step 1: 2+2=4.\n#### 4 \n')).toEqual({ think: '', answer: 'Step 1: 2+2=4.\n#### 4', truncated: false, style: 'untagged' });
  });
  it('empty and whitespace-only text is none', () => {
    expect(splitThink('')).toEqual({ think: '', answer: '', truncated: false, style: 'none' });
    expect(splitThink(' \n\t')).toEqual({ think: '', answer: '', truncated: false, style: 'none' });
  });
  it('is linear on a long text', () => {
    const long = '<think>' + 'Wait, let me check.\n\n'.repeat(50_000) + '</think>done';
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) splitThink(long);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(splitThink(long).answer).toBe('done');
  });
});

describe('splitSteps / reasoningText', () => {
  it('splits on blank lines, trims, drops empty pieces', () => {
    expect(splitSteps('a\n\nb\n  \n c \n\n\n\n')).toEqual(['a', 'b', 'c']);
    expect(splitSteps('')).toEqual([]);
    expect(splitSteps('one line\nnext line')).toEqual(['one line\nnext line']);
  });
  it('takes a custom separator', () => {
    expect(splitSteps('a\nb\n\nc', /\n/)).toEqual(['a', 'b', 'c']);
  });
  it('reasoningText prefers think, falls back to answer', () => {
    expect(reasoningText({ think: 't', answer: 'a' })).toBe('t');
    expect(reasoningText({ think: '', answer: 'a' })).toBe('a');
  });
});
