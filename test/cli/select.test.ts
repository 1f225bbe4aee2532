/**
 * The CLI's export (ExportService.write over the file, src/cli/reader.ts) against the app's
 * (ExportService.run over IndexedDB, here fake-indexeddb): the same bytes in every format, JSONL
 * and Parquet, and the same manifest but for its creation time.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { PerturbRequest } from '../../src/perturb/service';
import { EXPORT_FORMATS } from '../../src/core/export/formats';
import { defaultRecipe } from '../../src/core/recipe/recipe';
import { ExportService } from '../../src/export/service';
import { openInput } from '../../src/cli/input';
import { measureFile } from '../../src/cli/measure';
import { featureColumns } from '../../src/cli/columns';
import { exportSelection, selectRecipe } from '../../src/cli/select';
import { appVersion } from '../../src/cli/paths';
import { ingestFile } from '../ingest/helpers';
import { hasSharedData, sharedFile } from '../shared-data';
import { openR1File, SETTINGS, tempDir } from './helpers';

async function compare(path: string, recipe = defaultRecipe()) {
  const input = await openInput(path);
  const m = await measureFile(input, { settings: SETTINGS });
  const sel = await selectRecipe(recipe, featureColumns(m), m.fingerprint, true);
  const { meta } = await ingestFile(new File([readFileSync(path)], basename(path)));
  let checked = 0;
  for (const fmt of EXPORT_FORMATS) {
    for (const fileType of ['jsonl', 'parquet'] as const) {
      const cli = await exportSelection(input, m, sel, { format: fmt.id, style: 'think-tags', fileType }, tempDir());
      const app = await new ExportService().run({ datasetId: meta.id, rows: sel.result.rows, format: fmt.id, options: { style: 'think-tags' }, recipe: sel.recipe, selectionHash: sel.hash, appVersion: appVersion(), baseName: cli.result.fileName.replace(/\.[^.]+\.(jsonl|parquet)$/, ''), fileType }, () => {});
      expect(cli.result.fileName).toBe(app.fileName);
      const a = new Uint8Array(await app.data.arrayBuffer());
      const b = readFileSync(cli.data);
      expect(b.length, `${fmt.id} ${fileType}`).toBeGreaterThan(100);
      expect(Buffer.from(a).equals(b), `${fmt.id} ${fileType}`).toBe(true);
      const { createdAt: _a, ...ma } = JSON.parse(await app.manifest.text());
      const { createdAt: _b, ...mb } = JSON.parse(readFileSync(cli.manifest, 'utf8'));
      expect(mb).toEqual(ma);
      expect(cli.extras.length).toBe(app.extras.length);
      checked++;
    }
  }
  return { checked, selected: sel.result.rows.length };
}

describe('thinksift select --out writes what the app exports', () => {
  it('every format, JSONL and Parquet, on a multi-generation file', async () => {
    const r = defaultRecipe();
    r.filters.correctOnly = false;
    const { checked, selected } = await compare(openR1File(80), r);
    expect(checked).toBe(EXPORT_FORMATS.length * 2);
    expect(selected).toBeGreaterThan(4);
  }, 180_000);

  it.skipIf(!hasSharedData('CLI vs app exports on the Sky-T1 file'))('every format on the real Sky-T1 27B MATH500 file (the default selection)', async () => {
    const { selected } = await compare(sharedFile('longcot/skyt1_correct5k_27b__math500.jsonl'));
    expect(selected).toBe(28);
  }, 300_000);
});

describe('thinksift perturb writes what the app\'s Perturb stage exports', () => {
  it('shuffle, insert and digits of the selection, and the wrong answers of every sample: same bytes and manifest', async () => {
    const { main } = await import('../../src/cli/main');
    const { PassThrough } = await import('node:stream');
    const path = openR1File(60);
    const { meta } = await ingestFile(new File([readFileSync(path)], basename(path)));
    const recipe = join(tempDir(), 'r.json');
    writeFileSync(recipe, JSON.stringify({ filters: { correctOnly: false } }));
    const cases: [string[], PerturbRequest, string][] = [
      [['--op', 'shuffle', '--p', '67', '--seed', '3'], { spec: { op: 'shuffle', p: 0.67, seed: 3, stepSeparator: '\\n\\s*\\n' }, wrongAnswers: false }, 'shuffle-p67-s3'],
      [['--op', 'insert', '--p', '100'], { spec: { op: 'insert', p: 1, seed: 0, stepSeparator: '\\n\\s*\\n' }, wrongAnswers: false }, 'insert-p100-s0'],
      [['--op', 'digits', '--format', 'llamafactory-alpaca'], { spec: { op: 'digits', p: 0.33, seed: 0, stepSeparator: '\\n\\s*\\n', region: 'turn' }, wrongAnswers: false }, 'digits-p33-s0'],
      [['--op', 'none', '--all', '--wrong-answers'], { spec: null, wrongAnswers: true }, 'orig-wrong'],
    ];
    for (const [flags, perturb, label] of cases) {
      const out = tempDir();
      const stdout = new PassThrough();
      let text = '';
      stdout.on('data', (d) => (text += d));
      const code = await main(['perturb', '--recipe', recipe, '--in', path, '--out', out, '--progress', 'none', ...flags], { stdout, stderr: new PassThrough(), stdin: new PassThrough(), isTty: false });
      expect(code, label).toBe(0);
      const res = JSON.parse(text);
      const dataPath = res.files[0] as string;
      expect(basename(dataPath)).toContain(`.${label}.`);
      const manifest = JSON.parse(readFileSync(res.files[1], 'utf8'));
      const format = manifest.format;
      const all = label === 'orig-wrong';
      const input = await openInput(path);
      const m = await measureFile(input, { settings: SETTINGS });
      const fc = featureColumns(m);
      const rows = all ? Uint32Array.from({ length: fc.n }, (_, i) => i) : (await selectRecipe(manifest.recipe, fc, m.fingerprint)).result.rows;
      const app = await new ExportService().run({ datasetId: meta.id, rows, format, options: { style: 'think-tags' }, recipe: manifest.recipe, selectionHash: res.selectionHash, appVersion: appVersion(), baseName: basename(dataPath).replace(`.${format}.jsonl`, ''), fileType: 'jsonl', perturb }, () => {});
      expect(Buffer.from(await app.data.arrayBuffer()).equals(readFileSync(dataPath)), label).toBe(true);
      const { createdAt: _a, ...ma } = JSON.parse(await app.manifest.text());
      const { createdAt: _b, ...mb } = manifest;
      expect(mb, label).toEqual(ma);
      if (perturb.spec) expect(manifest.counts.perturbed, label).toBeGreaterThan(0);
      else expect(manifest.counts.written ?? manifest.counts.selected, label).toBeLessThan(fc.n);
    }
  }, 240_000);
});

describe('select with embeddings (DEITA filter, RDS+) from thinksift embed files', () => {
  it('equal the app\'s worker path on its stored vectors (SelectionService), and the filter changes the selection', async () => {
    const { scoreFile } = await import('../../src/cli/score');
    const { FIXTURES } = await import('../e2e/tiny-reference');
    const { EmbeddingService } = await import('../../src/models/embedding-service');
    const { SelectionService } = await import('../../src/select/service');
    const { prepareWithEmbeddings } = await import('../../src/ui/stores/selection');
    const { readVectors } = await import('../../src/cli/select');
    const { createWriteStream } = await import('node:fs');
    const dir = tempDir();
    const train = openR1File(60, dir);
    const valPath = join(dir, 'val.jsonl');
    writeFileSync(valPath, Array.from({ length: 8 }, (_, i) => JSON.stringify({ id: `v${i}`, question: `Problem ${i * 5}: what is ${i} + 1?`, response: 'x' })).join('\n') + '\n');
    const embed = async (path: string) => {
      const out = join(dir, `${basename(path)}.emb.jsonl`);
      const w = createWriteStream(out);
      await scoreFile(await openInput(path), { job: 'embedding', model: 'tiny-bert', modelsDir: FIXTURES, batchSize: 8, variant: 'select2reason', maxTokens: 64, thinkWords: 0 }, w);
      await new Promise<void>((r) => w.end(r));
      return out;
    };
    const [trainEmb, valEmb] = [await embed(train), await embed(valPath)];
    const m = await measureFile(await openInput(train), { settings: SETTINGS });
    const fc = featureColumns(m);
    // The app: ingest, embeddings stored by its job, selection by its worker's service on the stored matrix.
    const emb = { model: 'tiny-bert', device: 'wasm' as const, dtype: 'fp32' as const, thinkWords: 0, tau: 0.95, batchSize: 8 };
    const L = await ingestFile(new File([readFileSync(train)], basename(train)));
    const V = await ingestFile(new File([readFileSync(valPath)], 'val.jsonl'));
    const svc = new EmbeddingService();
    const dim = (await svc.embedDataset(L.meta.id, emb, FIXTURES, () => {})).dim!;
    await svc.embedDataset(V.meta.id, emb, FIXTURES, () => {});
    const sel = new SelectionService();
    const r = defaultRecipe();
    r.filters = { ...r.filters, correctOnly: false, onePerGroup: false };
    r.budget = { kind: 'count', value: 30 };
    r.diversity = { on: true, tau: 0.999 };
    const deita = await selectRecipe(r, fc, m.fingerprint, true, { train: readVectors(trainEmb, fc.ids) });
    const { p } = prepareWithEmbeddings(r, fc, r.method, true);
    const appRows = await sel.select(r.method, p.inputs, p.params, r.seed, { ds: L.meta.id, mappingVersion: 0, dim });
    expect(Array.from(deita.result.rows)).toEqual(Array.from(appRows));
    const plain = await selectRecipe({ ...r, diversity: { on: false, tau: 0.999 } }, fc, m.fingerprint, true);
    expect(Array.from(deita.result.rows)).not.toEqual(Array.from(plain.result.rows));
    // RDS+: best cosine to the validation set.
    const rds = { ...r, method: 'rds' as const, diversity: { on: false, tau: 0.9 }, rds: { validation: V.meta.fingerprint!, mode: 'max' as const } };
    const cliRds = await selectRecipe(rds, fc, m.fingerprint, true, { train: readVectors(trainEmb, fc.ids), validation: readVectors(valEmb) });
    const q = prepareWithEmbeddings(rds, fc, 'rds', true).p;
    const appRds = await sel.select('rds', q.inputs, q.params, rds.seed, { ds: L.meta.id, mappingVersion: 0, dim }, { ds: V.meta.id, mappingVersion: 0, dim });
    expect(cliRds.result.rows.length).toBe(30);
    expect(Array.from(cliRds.result.rows)).toEqual(Array.from(appRds));
    // Without the vectors: exit 4 and what to run.
    await expect(selectRecipe(rds, fc, m.fingerprint, true)).rejects.toThrow(/thinksift embed/);
  }, 180_000);
});
