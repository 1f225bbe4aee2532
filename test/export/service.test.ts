import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { ExportService, type ExportRequest } from '../../src/export/service';
import { PerturbService } from '../../src/perturb/service';
import { ingestFile, jsonl } from '../ingest/helpers';

const steps = (i: number) => Array.from({ length: 6 }, (_, k) => `Step ${k + 1} of ${i}: ${k + 2} times ${i + 3}.`);
const rows = Array.from({ length: 6 }, (_, i) => ({ id: `s${i}`, question: `Q${i}?`, correct: i % 2 === 0, response: `<think>${steps(i).join('\n\n')}</think>Answer 12 \\boxed{${i}}.` }));

async function setup() {
  const { meta } = await ingestFile(new File([jsonl(rows)], 'steps.jsonl'));
  const base: ExportRequest = { datasetId: meta.id, rows: Uint32Array.from(rows.keys()), format: 'trl-messages', options: {}, recipe: {}, selectionHash: 'h', appVersion: 't', baseName: 'steps' };
  return { meta, base };
}
const assistant = (rec: { messages: { role: string; content: string }[] }) => rec.messages.find((m) => m.role === 'assistant')!.content;
const thinkOf = (text: string) => text.slice(text.indexOf('<think>\n') + 8, text.indexOf('\n</think>')).split('\n\n');

describe('ExportService with a perturbation', () => {
  it('writes the perturbed thinking (same as the preview), keeps the answer, and names op, p and seed in the manifest', async () => {
    const { meta, base } = await setup();
    const spec = { op: 'insert' as const, p: 0.5, seed: 7 };
    const res = await new ExportService().run({ ...base, perturb: { spec, wrongAnswers: false } }, () => {});
    const lines = (await res.data.text()).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(6);
    const preview = new PerturbService();
    for (let i = 0; i < 6; i++) {
      const got = thinkOf(assistant(lines[i]));
      expect(got).toHaveLength(9); // 6 steps + round(0.5 · 6) inserted
      expect(got.filter((s) => steps(i).includes(s))).toEqual(steps(i)); // originals keep their order
      for (const s of got) if (!steps(i).includes(s)) expect(s).not.toMatch(new RegExp(`of ${i}:`)); // donors are other samples
      expect(assistant(lines[i]).endsWith(`Answer 12 \\boxed{${i}}.`)).toBe(true);
      const p = await preview.preview(meta.id, base.rows, spec, i);
      expect(thinkOf(assistant(lines[i]))).toEqual(p.after.think.split('\n\n')); // the preview shows what is exported
    }
    const manifest = JSON.parse(await res.manifest.text());
    expect(manifest.options.perturbation).toMatchObject({ op: 'insert', p: 0.5, seed: 7, wrongAnswers: false });
    expect(manifest.counts).toMatchObject({ selected: 6, perturbed: 6, notWrong: 0 });
  });

  it('digit corruption edits the whole assistant turn (the answer too) unless thinking-only; the manifest names the region, the default too', async () => {
    const { base } = await setup();
    for (const region of ['turn', 'thinking', undefined] as const) {
      const spec = { op: 'digits' as const, p: 1, seed: 2, ...(region ? { region } : {}) };
      const res = await new ExportService().run({ ...base, perturb: { spec, wrongAnswers: false } }, () => {});
      const lines = (await res.data.text()).trim().split('\n').map((l) => JSON.parse(l));
      // 'Answer 12 \boxed{i}': at p = 1 both numbers are redrawn in 0–10, so "12" cannot survive.
      const answers = lines.map((l) => assistant(l).slice(assistant(l).indexOf('</think>')));
      // No region given: the default, the whole turn (SkyThought's corrupt_data.py).
      if (region !== 'thinking') expect(answers.every((a) => !a.includes('Answer 12 '))).toBe(true);
      else expect(answers.every((a, i) => a.endsWith(`Answer 12 \\boxed{${i}}.`))).toBe(true);
      expect(JSON.parse(await res.manifest.text()).options.perturbation).toMatchObject({ op: 'digits', p: 1, seed: 2, region: region ?? 'turn' });
    }
  });

  it('the wrong-answers subset keeps only samples marked incorrect', async () => {
    const { base } = await setup();
    const res = await new ExportService().run({ ...base, perturb: { spec: null, wrongAnswers: true } }, () => {});
    const lines = (await res.data.text()).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.messages.find((m: { role: string }) => m.role === 'user').content)).toEqual(['Q1?', 'Q3?', 'Q5?']);
    expect(JSON.parse(await res.manifest.text()).counts).toMatchObject({ selected: 3, notWrong: 3 });
  });

  it('refuses a bad setting or the original-rows format with a message, writing nothing', async () => {
    const { base } = await setup();
    const svc = new ExportService();
    await expect(svc.run({ ...base, perturb: { spec: { op: 'shuffle', p: 1.5, seed: 0 }, wrongAnswers: false } }, () => {})).rejects.toThrow(/Perturbation setting p/);
    await expect(svc.run({ ...base, perturb: { spec: { op: 'delete', p: 0.3, seed: 0, stepSeparator: '(' }, wrongAnswers: false } }, () => {})).rejects.toThrow(/stepSeparator/);
    await expect(svc.run({ ...base, format: 'original', perturb: { spec: { op: 'shuffle', p: 1, seed: 0 }, wrongAnswers: false } }, () => {})).rejects.toThrow(/original-rows format/);
  });
});
