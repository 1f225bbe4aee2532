import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { execSync } from 'node:child_process';
import { resolve } from 'node:path';
import { PairsService, type PairRequest } from '../../src/pairs/service';
import { validatePairRecord } from '../../src/core/pairs/validate';
import { BUNDLED_TOKENIZER } from '../../src/models/tokenizer-id';
import { ingestFile, jsonl } from '../ingest/helpers';

const MODELS = resolve(import.meta.dirname, '../../public/models/');
beforeAll(() => {
  execSync('node scripts/copy-tokenizer.mjs', { cwd: resolve(import.meta.dirname, '../..') });
});

const long = (i: number, ans: number) => `<think>${'Let me work this out step by step. '.repeat(30)}</think>The answer is \\boxed{${ans}}.`;
const base = (longId: string): PairRequest => ({ source: 'join', longId, joinKey: 'question', filter: {}, style: 'think-tags', tokenizer: BUNDLED_TOKENIZER });

describe('PairsService (stored datasets, real tokenizer, fake IndexedDB)', { timeout: 30_000 }, () => {
  it('joins two files on the normalised question, filters, and exports TRL preference JSONL with a manifest', async () => {
    const L = await ingestFile(new File([jsonl([
      { id: 'a', question: 'What is 2+2?', response: long(0, 4) },
      { id: 'b', question: 'What is 3+3?', response: long(1, 6) },
      { id: 'c', question: 'What is 5+5?', response: long(2, 10) },
    ])], 'long.jsonl'));
    const S = await ingestFile(new File([jsonl([
      { id: 'x', question: '  what is 2+2?  Please reason step by step, and put your final answer within \\boxed{}.', response: 'So \\boxed{4}.' },
      { id: 'y', question: 'What is 3+3?', response: 'So \\boxed{7}.' }, // disagrees
    ])], 'short.jsonl'));
    const svc = new PairsService();
    const sum = await svc.build({ ...base(L.meta.id), shortId: S.meta.id }, MODELS);
    expect(sum.candidates).toBe(2); // 'c' has no short side
    expect(sum.pairs).toBe(1);
    expect(sum.dropped.disagree).toBe(1);
    expect(sum.preview[0]).toMatchObject({ chosenId: 'a', rejectedId: 'x' });
    expect(sum.chosenTokens[0]).toBeGreaterThan(2 * sum.rejectedTokens[0]);
    const out = await svc.export('trl-preference', {}, 'test', 'long.thinkpo');
    const lines = (await out.data.text()).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    expect(validatePairRecord('trl-preference', lines[0])).toEqual([]);
    expect(lines[0].rejected[0].content).toBe('So \\boxed{4}.');
    const manifest = JSON.parse(await out.manifest.text());
    expect(manifest.counts).toMatchObject({ pairs: 1, candidates: 2, dropped_disagree: 1 });
    expect(out.fileName).toBe('long.thinkpo.trl-preference.jsonl');
  });

  it('says what is wrong: no short dataset, a field no row has, bad filter options, export before build', async () => {
    const L = await ingestFile(new File([jsonl([{ id: 'a', question: 'Q?', response: long(0, 1) }])], 'l.jsonl'));
    const svc = new PairsService();
    await expect(svc.export('trl-preference', {}, 't', 'x')).rejects.toThrow(/Build the pairs first/);
    await expect(svc.build(base(L.meta.id), MODELS)).rejects.toThrow(/short CoTs/);
    await expect(svc.build({ ...base(L.meta.id), source: 'field', field: 'solution' }, MODELS)).rejects.toThrow(/field "solution"/);
    await expect(svc.build({ ...base(L.meta.id), shortId: L.meta.id, filter: { minRatio: -1 } }, MODELS)).rejects.toThrow(/minRatio/);
    await expect(svc.build({ ...base('nope'), shortId: L.meta.id }, MODELS)).rejects.toThrow(/is gone/);
  });

  it('pairs a solution field of the same rows, and the shortest vs longest generation of a group', async () => {
    const F = await ingestFile(new File([jsonl([
      { id: 'a', question: 'Q1?', response: long(0, 3), solution: 'Short: \\boxed{3}' },
      { id: 'b', question: 'Q2?', response: long(0, 5) }, // no solution: no candidate
    ])], 'f.jsonl'));
    const svc = new PairsService();
    const byField = await svc.build({ ...base(F.meta.id), source: 'field', field: 'solution' }, MODELS);
    expect(byField).toMatchObject({ candidates: 1, pairs: 1 });
    expect(byField.preview[0].rejected).toBe('Short: \\boxed{3}');
    const G = await ingestFile(new File([jsonl([
      { id: 'g1', question: 'Same?', group: 'q', response: long(0, 2) },
      { id: 'g2', question: 'Same?', group: 'q', response: 'Quick: \\boxed{2}' },
    ])], 'g.jsonl'));
    const byGroup = await svc.build({ ...base(G.meta.id), source: 'group' }, MODELS);
    expect(byGroup).toMatchObject({ candidates: 1, pairs: 1 });
    expect(byGroup.preview[0]).toMatchObject({ chosenId: 'g1', rejectedId: 'g2' });
  });

  it("reads a side's answer from its row's answer field (eval `pred`, per generation) when the text has no box", async () => {
    // Qwen-eval rows: `code` holds the generations, `pred` the answer the harness extracted from each.
    const row = (idx: number, code: string[], pred: string[]) => ({ idx, question: `What is ${idx}+${idx}?`, gt: String(2 * idx), code, pred, score: pred.map(() => true) });
    const L = await ingestFile(new File([jsonl([row(1, [long(0, 2)], ['2']), row(2, [long(0, 4)], ['4']), row(3, [long(0, 6)], ['6'])])], 'long-eval.jsonl'));
    const S = await ingestFile(new File([jsonl([
      row(1, ['One and one make two, so the answer is 2.'], ['2']), // prose: no box, the harness read 2
      row(2, ['Two and two make four.'], ['5']), // the extracted answer disagrees
      row(3, ['Three and three: \\boxed{6}.'], ['7']), // a box wins over the field
    ])], 'short-eval.jsonl'));
    const svc = new PairsService();
    const req = { ...base(L.meta.id), shortId: S.meta.id };
    const boxesOnly = await svc.build(req, MODELS);
    expect(boxesOnly).toMatchObject({ candidates: 3, pairs: 1, fieldAnswers: { chosen: 0, rejected: 0 } });
    expect(boxesOnly.dropped).toMatchObject({ noAnswerRejected: 2, disagree: 0 });
    const withPred = await svc.build({ ...req, answerFields: { chosen: 'pred', rejected: 'pred' } }, MODELS);
    expect(withPred).toMatchObject({ candidates: 3, pairs: 2, fieldAnswers: { chosen: 0, rejected: 1 } });
    expect(withPred.dropped).toMatchObject({ noAnswerRejected: 0, disagree: 1 });
    expect(withPred.preview.map((p) => p.rejected)).toEqual(['One and one make two, so the answer is 2.', 'Three and three: \\boxed{6}.']);
    const manifest = JSON.parse(await (await svc.export('trl-preference', {}, 'test', 'x')).manifest.text());
    expect(manifest.recipe.pairs.answerFields).toEqual({ chosen: 'pred', rejected: 'pred' });
    expect(manifest.recipe.pairs.filter).toMatchObject({ requireAgree: true, requireReference: false, minRatio: 0, maxChosenTokens: 8191 });

    // Several generations in one row: generation k reads pred[k].
    const G = await ingestFile(new File([jsonl([row(4, [long(0, 8), 'Quick: eight.', 'Quick: nine.'], ['8', '8', '9'])])], 'group-eval.jsonl'));
    const byGroup = await svc.build({ ...base(G.meta.id), source: 'group', answerFields: { chosen: 'pred' } }, MODELS);
    expect(byGroup).toMatchObject({ candidates: 1, pairs: 1, fieldAnswers: { chosen: 0, rejected: 1 } });
    expect(byGroup.preview[0]).toMatchObject({ chosenId: '4:0', rejectedId: '4:1' });
  });
});
