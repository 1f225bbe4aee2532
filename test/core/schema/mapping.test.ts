import { describe, expect, it } from 'vitest';
import { detectMapping, getPath, mapRecord, parseBool, type FieldMapping } from '../../../src/core/schema/mapping';
import { detectShape } from '../../../src/core/schema/shapes';

const openr1 = (i: number, n: number) => ({
  problem: `Problem ${i}: find x.`,
  solution: 'Reference solution. '.repeat(3),
  answer: `${i}`,
  problem_type: 'Algebra',
  question_type: 'math-word-problem',
  source: 'olympiads',
  uuid: `u-${i}`,
  is_reasoning_complete: Array(n).fill(true),
  generations: Array.from({ length: n }, (_, k) => `<think>\nTry ${k}.\n\nWait.\n</think>\n\nSo x = \\boxed{${i + k}}`),
  correctness_math_verify: Array.from({ length: n }, (_, k) => k % 2 === 0),
  correctness_count: Math.ceil(n / 2),
  messages: [
    { role: 'user', content: `Problem ${i}: find x.` },
    { role: 'assistant', content: `<think>m</think>\\boxed{${i}}` },
  ],
});

const skySystem = 'Your role as an assistant involves thoroughly exploring questions through a systematic long thinking process';
const sharegpt = (i: number) => ({
  system: skySystem,
  conversations: [
    { from: 'user', value: `Return your final response within \\boxed{}. Q${i}` },
    { from: 'assistant', value: `<|begin_of_thought|>\n\nThink ${i}.\n\n<|end_of_thought|>\n\n<|begin_of_solution|>\n\n\\boxed{${i}}\n\n<|end_of_solution|>` },
  ],
});
const alpaca = (i: number, input = '') => ({ instruction: `Translate ${i}`, input, output: `Result ${i}`, problem_type: 'Other' });

describe('getPath / parseBool', () => {
  it('reads dot paths, array indices and dotted keys', () => {
    const o = { a: { b: { c: 1 } }, arr: ['x', 'y'], 'd.e': 2 };
    expect(getPath(o, 'a.b.c')).toBe(1);
    expect(getPath(o, 'arr.1')).toBe('y');
    expect(getPath(o, 'd.e')).toBe(2);
    expect(getPath(o, 'a.zz.c')).toBeUndefined();
    expect(getPath(null, 'a')).toBeUndefined();
  });
  it('parses CSV-style flags', () => {
    for (const t of ['true', 'True', 'TRUE', '1', 'yes', ' Y ', 1, true, 1n]) expect(parseBool(t)).toBe(true);
    for (const f of ['false', 'False', '0', 'no', 'N', 0, false]) expect(parseBool(f)).toBe(false);
    for (const u of ['maybe', '', 0.5, null, undefined, [true]]) expect(parseBool(u)).toBeUndefined();
  });
});

describe('OpenR1', () => {
  const rows = [openr1(0, 2), openr1(1, 4), openr1(2, 3)];
  const det = detectMapping(rows);
  it('detects the openr1 mapping', () => {
    expect(det.mapping).toMatchObject({ shape: 'openr1', question: 'problem', response: 'generations', correct: 'correctness_math_verify', reference: 'answer', category: 'problem_type', id: 'uuid' });
    expect(det.shapeCounts).toEqual({ openr1: 3 });
    expect(det.issues).toEqual([]);
    expect(det.columns).toContain('generations');
    expect(det.columns).not.toContain('generations.0');
  });
  it('makes one sample per generation in the problem group, correctness elementwise', () => {
    const { samples, issue } = mapRecord(rows[1], 1, det.mapping, 'or1.jsonl');
    expect(issue).toBeUndefined();
    expect(samples.map((s) => s.id)).toEqual(['u-1:0', 'u-1:1', 'u-1:2', 'u-1:3']);
    expect(new Set(samples.map((s) => s.group))).toEqual(new Set(['u-1']));
    expect(samples.map((s) => s.correct)).toEqual([true, false, true, false]);
    expect(samples[2]).toMatchObject({ question: 'Problem 1: find x.', think: 'Try 2.\n\nWait.', answer: 'So x = \\boxed{3}', reference: '1', thinkStyle: 'think-tags', truncated: false });
    expect(samples[0].extra).toEqual({ solution: rows[1].solution, question_type: 'math-word-problem', source: 'olympiads', correctness_count: 2, category: 'Algebra' });
  });
  it('falls back to messages when generations are absent', () => {
    const r: Record<string, unknown> = openr1(7, 2);
    delete r.generations;
    expect(detectShape(r)).toBe('openr1');
    const { samples } = mapRecord(r, 7, det.mapping);
    expect(samples).toHaveLength(1);
    expect(samples[0]).toMatchObject({ id: 'u-7', think: 'm', answer: '\\boxed{7}', question: 'Problem 7: find x.' });
  });
});

describe('ShareGPT, messages, Alpaca', () => {
  it('ShareGPT with system and Sky-T1 tags', () => {
    const det = detectMapping([sharegpt(0), sharegpt(1)]);
    expect(det.mapping).toMatchObject({ shape: 'sharegpt', conversation: 'conversations', system: 'system' });
    const [s] = mapRecord(sharegpt(1), 1, det.mapping).samples;
    expect(s).toMatchObject({ id: '1', group: '1', question: 'Return your final response within \\boxed{}. Q1', think: 'Think 1.', answer: '\\boxed{1}', system: skySystem, thinkStyle: 'sky-thought' });
    expect(s.extra).toEqual({});
  });
  it('chat messages with a system role and <think>', () => {
    const row = {
      messages: [
        { role: 'system', content: 'Be careful.' },
        { role: 'user', content: 'What is 6*7?' },
        { role: 'assistant', content: 'draft' },
        { role: 'user', content: 'Again.' },
        { role: 'assistant', content: [{ type: 'text', text: '<think>6*7=42</think>' }, { type: 'text', text: '42' }] },
      ],
      source: 'x',
    };
    const det = detectMapping([row]);
    expect(det.mapping.shape).toBe('messages');
    const [s] = mapRecord(row, 0, det.mapping).samples;
    expect(s).toMatchObject({ question: 'What is 6*7?', system: 'Be careful.', think: '6*7=42', answer: '42', thinkStyle: 'think-tags', extra: { source: 'x' } });
  });
  it('Alpaca joins instruction and a non-empty input', () => {
    const det = detectMapping([alpaca(0, 'hello'), alpaca(1)]);
    expect(det.mapping).toMatchObject({ shape: 'alpaca', question: 'instruction', input: 'input', response: 'output', category: 'problem_type' });
    expect(mapRecord(alpaca(0, 'hello'), 0, det.mapping).samples[0]).toMatchObject({ question: 'Translate 0\n\nhello', answer: 'Result 0', thinkStyle: 'untagged', extra: { category: 'Other' } });
    expect(mapRecord(alpaca(1), 1, det.mapping).samples[0].question).toBe('Translate 1');
  });
});

describe('plain / CSV rows', () => {
  const csv = [
    { id: 'a1', question: 'What is 2+2?', response: '<think>2+2</think>4', correct: 'True', answer: '4', note: '' },
    { id: 'a2', question: 'What is 3+3?', response: 'six', correct: 'no', answer: '6', note: 'x' },
    { id: 'a3', question: 'What is 1+1?', response: '<think>one and one', correct: '1', answer: '2', note: '' },
  ];
  it('detects fields and maps string cells', () => {
    const det = detectMapping(csv);
    expect(det.mapping).toEqual({ shape: 'plain', question: 'question', response: 'response', reference: 'answer', correct: 'correct', id: 'id' });
    const out = csv.map((r, i) => mapRecord(r, i, det.mapping, 'x.csv').samples[0]);
    expect(out.map((s) => s.correct)).toEqual([true, false, true]);
    expect(out.map((s) => s.id)).toEqual(['a1', 'a2', 'a3']);
    expect(out.map((s) => s.thinkStyle)).toEqual(['think-tags', 'untagged', 'think-tags']);
    expect(out[2].truncated).toBe(true);
    expect(out[0].reference).toBe('4');
    expect(out[1].extra).toEqual({ note: 'x' });
  });
  it('a short answer is the reference when a longer solution exists, the response when alone', () => {
    const a = detectMapping([{ problem: 'p', solution: 'a long worked solution with \\boxed{3}', answer: '3' }]).mapping;
    expect(a).toMatchObject({ question: 'problem', response: 'solution', reference: 'answer' });
    const b = detectMapping([{ question: 'q', answer: 'Natalia sold 48/2 = 24.\n#### 72' }]).mapping;
    expect(b).toEqual({ shape: 'plain', question: 'question', response: 'answer' });
  });
  it('object of strings: one sample per value with responseKey', () => {
    const row = { question: 'q', correct_answer: '19', model_answers: { base_model: 'short', thinking_model: 'hmm\n</think>\n19' } };
    const m = detectMapping([row]).mapping;
    expect(m).toMatchObject({ response: 'model_answers', reference: 'correct_answer', thinkOpenedInPrompt: ['thinking_model'] });
    const { samples } = mapRecord(row, 4, m);
    expect(samples.map((s) => [s.id, s.group, s.extra.responseKey, s.thinkStyle])).toEqual([
      ['4:base_model', '4', 'base_model', 'untagged'],
      ['4:thinking_model', '4', 'thinking_model', 'think-close-only'],
    ]);
  });
  it('keeps only small scalars in extra; bigint ids become strings', () => {
    const row = { id: 12n, prompt: 'p', completion: 'c', big: 'x'.repeat(1001), small: 'ok', n: 3, nan: NaN, arr: [1], obj: { a: 1 }, nil: null, b: 5n };
    const m = detectMapping([row]).mapping;
    const [s] = mapRecord(row, 0, m).samples;
    expect(s.id).toBe('12');
    expect(s.extra).toEqual({ small: 'ok', n: 3, b: 5 });
  });
});

describe('ProcessBench and Qwen eval shapes', () => {
  it('ProcessBench steps become one untagged sample with blank-line steps', () => {
    const row = { id: 'math-3', generator: 'Qwen2-7B', problem: 'p', steps: ['Step 1', 'Step 2', 'So \\boxed{1}'], final_answer_correct: false, label: 1 };
    const m = detectMapping([row]).mapping;
    expect(m).toMatchObject({ shape: 'processbench', response: 'steps', responseJoin: '\n\n', correct: 'final_answer_correct', id: 'id' });
    const [s] = mapRecord(row, 0, m).samples;
    expect(s).toMatchObject({ id: 'math-3', group: 'math-3', answer: 'Step 1\n\nStep 2\n\nSo \\boxed{1}', think: '', correct: false, thinkStyle: 'untagged', extra: { generator: 'Qwen2-7B', label: 1, stepCount: 3 } });
  });
  it('Qwen eval rows: one sample per code entry, id from idx', () => {
    const row = { idx: 5, question: 'q', gt: '2', code: ['a\n</think>\nb', '<think>c'], pred: ['2', '3'], score: [true, false], level: 3 };
    const m = detectMapping([row]).mapping;
    expect(m).toMatchObject({ shape: 'qwen-eval', response: 'code', correct: 'score', reference: 'gt', id: 'idx' });
    const ss = mapRecord(row, 0, m).samples;
    expect(ss.map((s) => [s.id, s.group, s.correct, s.truncated, s.reference])).toEqual([
      ['5:0', '5', true, false, '2'],
      ['5:1', '5', false, true, '2'],
    ]);
    expect(ss[0].extra).toEqual({ level: 3 });
  });
});

describe('mixed shapes and issues', () => {
  it('reports mixed shapes and maps the minority rows with issues', () => {
    const rows = [sharegpt(0), alpaca(1), sharegpt(2), alpaca(3), sharegpt(4)];
    const det = detectMapping(rows);
    expect(det.mapping.shape).toBe('sharegpt');
    expect(det.shapeCounts).toEqual({ sharegpt: 3, alpaca: 2 });
    expect(det.issues).toHaveLength(1);
    expect(det.issues[0].code).toBe('mixed-shapes');
    expect(det.issues[0].message).toContain('2 shapes: sharegpt (3), alpaca (2)');
    expect(det.issues[0].message).toContain('detected sharegpt mapping');
    const r = mapRecord(rows[1], 1, det.mapping, 'mix.jsonl');
    expect(r.samples).toEqual([]);
    expect(r.issue).toMatchObject({ code: 'no-fields', where: { file: 'mix.jsonl', row: 1, field: 'conversations' } });
    expect(r.issue!.message).toContain('Row 1');
    expect(r.issue!.message).toContain('"conversations"');
    expect(r.issue!.message).toContain('instruction, input, output, problem_type');
  });
  it('names the missing response field and at most 8 keys', () => {
    const m: FieldMapping = { shape: 'plain', question: 'question', response: 'output' };
    const row = Object.fromEntries(['question', ...'abcdefghij'].map((k) => [k, 'v']));
    const r = mapRecord(row, 41, m, 'f.csv');
    expect(r.issue).toMatchObject({ code: 'no-fields', where: { file: 'f.csv', row: 41, field: 'output' } });
    expect(r.issue!.message).toBe('Row 41 has no response field "output"; its keys: question, a, b, c, d, e, f, g, … (11 keys).');
  });
  it('bad-field when the response has no text; not-object for non-objects', () => {
    const m: FieldMapping = { shape: 'plain', question: 'q', response: 'r' };
    expect(mapRecord({ q: 'x', r: { a: 1 } }, 0, m).issue).toMatchObject({ code: 'bad-field', where: { field: 'r' } });
    expect(mapRecord({ q: ['x'], r: 'y' }, 0, m).issue).toMatchObject({ code: 'bad-field', where: { field: 'q' } });
    expect(mapRecord([1, 2], 3, m).issue).toMatchObject({ code: 'not-object', where: { row: 3 } });
  });
  it('flags rows with no recognisable fields', () => {
    const det = detectMapping([{ foo: 1 }, 'str']);
    expect(det.shapeCounts).toEqual({ unknown: 2 });
    expect(det.issues.map((i) => i.code)).toEqual(['no-fields']);
  });
  it('keeps an empty response as a none-style sample', () => {
    const [s] = mapRecord({ q: 'x', r: '' }, 0, { shape: 'plain', question: 'q', response: 'r' }).samples;
    expect(s.thinkStyle).toBe('none');
  });
});
