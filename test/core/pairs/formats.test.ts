import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JsonlEncoder, toJsonlLine } from '../../../src/core/export/jsonl';
import {
  llamaFactoryDpoYaml,
  openrlhfPairFlags,
  PAIR_FORMATS,
  pairFormat,
  rankingDatasetInfoEntry,
  type PairExportOptions,
  type PairFormatId,
} from '../../../src/core/pairs/formats';
import { validatePairRecord } from '../../../src/core/pairs/validate';
import { LONG_1, PAIRS, SHORT_1, SYSTEM } from './fixtures';

const GOLDEN = resolve(import.meta.dirname, 'golden');

function format(id: PairFormatId) {
  const f = pairFormat(id);
  if (!f) throw new Error(`no format ${id}`);
  return f;
}

describe('golden files: pair serializer output equals the committed file byte for byte', () => {
  const cases: [PairFormatId, string, PairExportOptions?][] = [
    ['trl-preference', 'trl-preference.jsonl'],
    ['trl-preference-implicit', 'trl-preference-implicit.jsonl'],
    ['llamafactory-ranking', 'llamafactory-ranking.jsonl'],
    ['openrlhf-pairs', 'openrlhf-pairs.jsonl'],
    ['openrlhf-pairs', 'openrlhf-pairs-messages.jsonl', { openrlhfMessages: true }],
  ];

  it('every registered format has a golden file', () => {
    expect(new Set(cases.map((c) => c[0]))).toEqual(new Set(PAIR_FORMATS.map((f) => f.id)));
    expect(PAIR_FORMATS.every((f) => f.kind === 'preference' && f.extension === '.jsonl' && f.docUrl.startsWith('https://'))).toBe(true);
    expect(pairFormat('trl-messages')).toBeUndefined();
  });

  for (const [id, file, opts] of cases) {
    it(file, () => {
      const expected = readFileSync(resolve(GOLDEN, file));
      const records = PAIRS.map((p) => format(id).serialize(p, opts));
      expect(records.map(toJsonlLine).join('')).toBe(expected.toString('utf8'));
      const enc = new JsonlEncoder();
      const bytes = Buffer.concat(records.map((r) => enc.push(r)));
      expect(bytes.equals(expected)).toBe(true);
      const lines = expected.toString('utf8').split('\n').filter(Boolean);
      expect(lines).toHaveLength(3);
      for (const line of lines) expect(validatePairRecord(id, JSON.parse(line))).toEqual([]);
    });
  }
});

describe('what a trainer reads back', () => {
  it('every format carries the chosen long text, the rejected short text, the chosen question and system', () => {
    const texts = (id: PairFormatId, opts?: PairExportOptions) => {
      const r = JSON.parse(toJsonlLine(format(id).serialize(PAIRS[0], opts)));
      switch (id) {
        case 'trl-preference':
          return [r.prompt[0].content, r.prompt[1].content, r.chosen[0].content, r.rejected[0].content];
        case 'trl-preference-implicit':
          return [r.chosen[0].content, r.chosen[1].content, r.chosen[2].content, r.rejected[2].content];
        case 'llamafactory-ranking':
          return [r.system, r.instruction, r.chosen, r.rejected];
        case 'openrlhf-pairs':
          return opts?.openrlhfMessages
            ? [r.prompt[0].content, r.prompt[1].content, r.chosen[0].content, r.rejected[0].content]
            : [r.system, r.prompt, r.chosen, r.rejected];
      }
    };
    const want = [SYSTEM, LONG_1.question, LONG_1.text, SHORT_1.text];
    for (const f of PAIR_FORMATS) expect(texts(f.id), f.id).toEqual(want);
    expect(texts('openrlhf-pairs', { openrlhfMessages: true })).toEqual(want);
  });

  it('system override: null drops it, a string replaces it; the rejected side’s system is never used', () => {
    const p = { ...PAIRS[0], rejected: { ...SHORT_1, system: 'short-model prompt' } };
    expect(format('trl-preference').serialize(p, { system: null }).prompt).toEqual([{ role: 'user', content: LONG_1.question }]);
    expect(format('trl-preference').serialize(p, { system: 'S2' }).prompt).toEqual([
      { role: 'system', content: 'S2' },
      { role: 'user', content: LONG_1.question },
    ]);
    expect(format('llamafactory-ranking').serialize(p, { system: '' })).not.toHaveProperty('system');
    const noSys = { ...PAIRS[1], rejected: { ...PAIRS[1].rejected, system: 'short-model prompt' } };
    expect(format('openrlhf-pairs').serialize(noSys)).toEqual({ prompt: noSys.chosen.question, chosen: noSys.chosen.text, rejected: noSys.rejected.text });
  });
});

describe('extras', () => {
  it('LLaMA-Factory: the documented ranking entry, system mapped only when present, and DPO settings', () => {
    const ctx = { datasetName: 'thinkpo_pairs', fileName: 'thinkpo_pairs.jsonl', hasSystem: false };
    const [info, cfg] = format('llamafactory-ranking').extras!(ctx);
    expect(JSON.parse(info.text)).toEqual({
      thinkpo_pairs: {
        file_name: 'thinkpo_pairs.jsonl',
        ranking: true,
        columns: { prompt: 'instruction', query: 'input', chosen: 'chosen', rejected: 'rejected' },
      },
    });
    expect(info.language).toBe('json');
    expect((rankingDatasetInfoEntry('n', 'f.jsonl').n as { columns: object }).columns).toHaveProperty('system', 'system');
    expect(cfg.text).toBe(
      ['stage: dpo', 'dataset: thinkpo_pairs', 'pref_beta: 0.01', 'pref_loss: sigmoid', 'learning_rate: 3.0e-7', 'num_train_epochs: 1.0', 'cutoff_len: 8192'].join('\n'),
    );
    expect(llamaFactoryDpoYaml('my set')).toContain('dataset: "my set"');
  });

  it('OpenRLHF: the flags, with --apply_chat_template only for message lists, and a note otherwise', () => {
    expect(openrlhfPairFlags()).toBe('--prompt_key prompt --chosen_key chosen --rejected_key rejected');
    expect(openrlhfPairFlags({ messages: true })).toBe('--prompt_key prompt --chosen_key chosen --rejected_key rejected --apply_chat_template');
    const ex = (hasSystem: boolean, openrlhfMessages: boolean) =>
      format('openrlhf-pairs').extras!({ datasetName: 'd', fileName: 'd.jsonl', hasSystem, options: { openrlhfMessages } })[0];
    expect(ex(false, true)).toEqual({ id: 'flags', label: 'OpenRLHF flags', language: 'shell', text: openrlhfPairFlags({ messages: true }) });
    expect(ex(true, false).note).toContain('ignores the "system" field');
    expect(ex(false, false).note).toContain('--input_template');
  });

  it('TRL formats need no extras', () => {
    expect(format('trl-preference').extras).toBeUndefined();
    expect(format('trl-preference-implicit').extras).toBeUndefined();
  });
});
