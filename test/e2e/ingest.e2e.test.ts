import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReadStream, createWriteStream, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launch, openApp, waitIdle } from './browser';
import { LONGCOT, longcotRows, makeDerivedFiles } from './fixtures';
import { hasSharedData, sharedFile } from '../shared-data';
import { detectMapping, mapRecord } from '../../src/core/schema/mapping';
import { formatCount } from '../../src/core/rate';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

async function fresh(): Promise<{ ctx: BrowserContext; page: Page; errors: string[] }> {
  const ctx = await browser.newContext();
  // These tests compare the sample view with the stored text: the raw-text view (render.e2e tests the rendered one).
  await ctx.addInitScript(() => localStorage.setItem('thinksift.rawText', '1'));
  const { page, errors } = await openApp(ctx);
  return { ctx, page, errors };
}

async function rowCount(page: Page): Promise<number> {
  const t = await page.getByTestId('row-count').textContent();
  return Number(t?.replace(/,/g, ''));
}

/**
 * Where a dataset's text is stored: its chunk records (records, Blob size, OPFS file and length)
 * and the files of its folder in the origin private file system (src/db/text-store.ts).
 */
async function storedText(page: Page, name: string) {
  return page.evaluate(async (name) => {
    const db = await new Promise<IDBDatabase>((res, rej) => { const r = indexedDB.open('thinksift'); r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
    const all = <T,>(store: string) => new Promise<T[]>((res) => { const r = db.transaction(store).objectStore(store).getAll(); r.onsuccess = () => res(r.result as T[]); });
    const ds = (await all<{ id: string; name: string }>('datasets')).find((d) => d.name === name);
    const chunks = (await all<{ ds: string; offsets: Uint32Array; data?: Blob; loc?: { file: string; at: number; len: number } }>('chunks')).filter((c) => c.ds === ds?.id);
    db.close();
    const root = await navigator.storage.getDirectory();
    const files: string[] = [];
    const sizes: Record<string, number> = {};
    try {
      const dirH = await root.getDirectoryHandle(`ds-${ds?.id}`);
      for await (const f of (dirH as unknown as { keys(): AsyncIterable<string> }).keys()) {
        files.push(f);
        sizes[f] = await dirH.getFileHandle(f).then((h) => h.getFile()).then((x) => x.size, () => -1);
      }
    } catch { /* no folder */ }
    return { id: ds?.id, chunks: chunks.map((c) => ({ records: c.offsets.length - 1, blob: c.data?.size, file: c.loc?.file, at: c.loc?.at ?? 0, len: c.loc?.len ?? 0 })), files, sizes };
  }, name);
}

/** Scroll the sample table to row `target`, open it, and give back the sample view's question. */
async function openRow(page: Page, target: number): Promise<string | undefined> {
  await page.getByTestId('sample-table').locator('.viewport').evaluate((el, t) => { el.scrollTop = t * 28 - 100; }, target);
  const row = page.locator(`[data-testid="sample-row"][data-index="${target}"]`);
  await row.waitFor();
  await row.click();
  await page.locator(`[data-testid="sample-view"][data-index="${target}"]`).waitFor();
  return (await page.getByTestId('sample-question').textContent())?.trim();
}

async function drop(page: Page, path: string): Promise<void> {
  await page.getByTestId('file-input').setInputFiles(path);
  await waitIdle(page);
  await page.getByTestId('row-count').waitFor();
}

describe('app shell', () => {
  it('is crossOriginIsolated, shows the stages, and loads the built-in sample', async () => {
    const { ctx, page, errors } = await fresh();
    try {
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
      for (const s of ['load', 'measure', 'select', 'pairs', 'export']) await page.getByTestId(`stage-${s}`).waitFor();
      await page.getByTestId('try-sample').click();
      await waitIdle(page);
      await page.getByTestId('sample-view').waitFor();
      const n = await rowCount(page);
      expect(n).toBeGreaterThan(600); // 320 problems × 2–4 generations
      await expect(page.getByTestId('dataset-item').first().getAttribute('data-status')).resolves.toBe('complete');
      await expect(page.getByTestId('fingerprint').first().textContent()).resolves.toMatch(/^[0-9a-f]{12}$/);
      expect(await page.getByTestId('storage').textContent()).toMatch(/Storage used/);
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  });
});

describe('drop anywhere', () => {
  it('loads a file dropped on the page (not on the picker)', async () => {
    const { ctx, page, errors } = await fresh();
    try {
      await page.evaluate(() => {
        const lines = Array.from({ length: 7 }, (_, i) => JSON.stringify({ question: `q${i}`, response: `<think>t${i}</think>a${i}` }));
        const dt = new DataTransfer();
        dt.items.add(new File([lines.join('\n')], 'dropped.jsonl'));
        const target = document.querySelector('main')!;
        target.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true }));
        target.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true }));
        target.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true }));
      });
      await waitIdle(page);
      expect(await rowCount(page)).toBe(7);
      expect(await page.locator('[data-testid="dataset-item"][data-name="dropped.jsonl"]').count()).toBe(1);
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  });
});

describe('large tables', () => {
  it('scrolls a 100k-sample table to any row and opens it', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'thinksift-100k-'));
    const path = join(dir, 'hundred-k.jsonl');
    const lines: string[] = [];
    for (let i = 0; i < 100_000; i++) lines.push(JSON.stringify({ id: `q${i}`, question: `Question number ${i}?`, response: `<think>step one\n\nstep two</think>answer ${i}` }));
    writeFileSync(path, lines.join('\n') + '\n');
    const { ctx, page, errors } = await fresh();
    try {
      await drop(page, path);
      expect(await rowCount(page)).toBe(100_000);
      const viewport = page.getByTestId('sample-table').locator('.viewport');
      for (const target of [50_000, 99_999, 1234]) {
        await viewport.evaluate((el, t) => { el.scrollTop = t * 28 - 100; }, target);
        const row = page.locator(`[data-testid="sample-row"][data-index="${target}"]`);
        await row.waitFor();
        await page.waitForFunction((t) => document.querySelector(`[data-testid="sample-row"][data-index="${t}"]`)?.textContent?.includes(`Question number ${t}?`), target);
        await row.click();
        await page.locator(`[data-testid="sample-view"][data-index="${target}"]`).waitFor();
        expect(await page.getByTestId('sample-answer').textContent()).toContain(`answer ${target}`);
      }
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!hasSharedData('browser ingest of real traces'))('real traces', () => {
  let files: ReturnType<typeof makeDerivedFiles>;
  beforeAll(() => {
    files = makeDerivedFiles();
  });
  afterAll(() => rmSync(files.dir, { recursive: true, force: true }));

  it('keeps every row once the file is gone: a 12 MB file (two parse pieces, bad and blank lines between rows) is loaded, deleted, and after a reload far rows open with their own text', async () => {
    const { mkdtempSync, readFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'thinksift-gone-'));
    const path = join(dir, 'gone.jsonl');
    // The stored text must be a copy (a Blob made from a slice of the picked file is only a reference to it).
    const one = readFileSync(sharedFile(LONGCOT), 'utf8').trimEnd();
    writeFileSync(path, [one, '', 'not json\r', one, '   ', one].join('\n') + '\n');
    const { ctx, page, errors } = await fresh();
    try {
      await drop(page, path);
      expect(await rowCount(page)).toBe(1500);
      expect(await page.getByTestId('ingest-errors').getAttribute('data-count')).toBe('1');
      rmSync(dir, { recursive: true, force: true });
      await page.reload();
      const item = page.locator('[data-testid="dataset-item"][data-name="gone.jsonl"]');
      await item.waitFor();
      await item.locator('button.name').click();
      await page.getByTestId('row-count').waitFor();
      const rows = longcotRows();
      for (const target of [3, 499, 500, 1_201, 1_499]) expect(await openRow(page, target), `row ${target}`).toBe(rows[target % 500].question.trim());
      // Where the text is: files of the origin private file system written by the parse workers
      // (src/db/text-store.ts), one per parse worker, every chunk record pointing into one of them.
      const before = await storedText(page, 'gone.jsonl');
      expect(before.id).toBeTruthy();
      expect(before.chunks.length).toBeGreaterThan(1);
      // The one line cut at the boundary between two pieces is parsed by the coordinator, whose
      // chunks stay Blobs: a chunk is in a file of the folder, or a Blob of that one record.
      for (const c of before.chunks) {
        if (c.file) expect(before.files).toContain(c.file);
        else expect(c, 'a chunk in a Blob').toMatchObject({ records: 1 });
      }
      const inFiles = before.chunks.filter((c) => c.file);
      expect(new Set(inFiles.map((c) => c.file)).size).toBe(2); // two pieces on two workers: a file each
      for (const f of before.files) expect(before.sizes[f], f).toBe(Math.max(...inFiles.filter((c) => c.file === f).map((c) => c.at + c.len)));
      // and no other: each parse worker wrote one file, every one of them used.
      expect([...before.files].sort()).toEqual([...new Set(inFiles.map((c) => c.file!))].sort());
      expect(inFiles.reduce((a, c) => a + c.len, 0)).toBeGreaterThan(0.95 * before.chunks.reduce((a, c) => a + c.len + (c.blob ?? 0), 0));
      // Deleting the dataset deletes its files too.
      page.once('dialog', (d) => void d.accept());
      await item.getByTestId('delete').click();
      await item.waitFor({ state: 'detached' });
      expect((await storedText(page, 'gone.jsonl')).id).toBeUndefined();
      const folderLeft = await page.evaluate(async (id) => {
        const root = await navigator.storage.getDirectory();
        return root.getDirectoryHandle(`ds-${id}`).then(() => true, () => false);
      }, before.id);
      expect(folderLeft).toBe(false);
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stored text gone from the private file system (site data half cleared): the sample view names the chunk and file, the app keeps working', async () => {
    const { ctx, page, errors } = await fresh();
    try {
      await drop(page, sharedFile(LONGCOT));
      expect(await rowCount(page)).toBe(500);
      const { id, files } = await storedText(page, LONGCOT.split('/').pop()!);
      expect(files.length).toBe(1);
      await page.evaluate(async (id) => (await navigator.storage.getDirectory()).removeEntry(`ds-${id}`, { recursive: true }), id);
      await page.reload();
      await page.getByTestId('row-count').waitFor();
      expect(await rowCount(page)).toBe(500); // the columns are in IndexedDB
      await page.locator('[data-testid="sample-row"][data-index="3"]').click();
      const bad = page.getByTestId('sample-view').locator('p.bad');
      await bad.waitFor();
      expect(await bad.textContent()).toMatch(/^Could not open sample 4: The stored text of chunk 0 \(file .+ of the browser's private storage for dataset .+\) could not be read: /);
      // Nothing else broke: the dataset can still be deleted (its folder is gone already).
      page.once('dialog', (d) => void d.accept());
      const item = page.locator('[data-testid="dataset-item"]').first();
      await item.getByTestId('delete').click();
      await item.waitFor({ state: 'detached' });
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  });

  it('streams the 500-row JSONL, detects the eval-output shape and opens a sample as text', async () => {
    const { ctx, page, errors } = await fresh();
    try {
      await drop(page, sharedFile(LONGCOT));
      expect(await rowCount(page)).toBe(500);
      expect(await page.getByTestId('ingest-errors').getAttribute('data-count')).toBe('0');
      expect(await page.getByTestId('map-response').inputValue()).toBe('code');
      expect(await page.getByTestId('map-question').inputValue()).toBe('question');
      const first = longcotRows()[0];
      await page.getByTestId('sample-question').waitFor();
      expect((await page.getByTestId('sample-question').textContent())?.trim()).toBe(first.question.trim());
      expect(await page.getByTestId('sample-steps').locator('li').count()).toBeGreaterThan(3);
      expect(await page.getByTestId('sample-answer').textContent()).toContain('\\boxed');
      // Another row: click it in the virtual table.
      await page.locator('[data-testid="sample-row"][data-index="3"]').click();
      await page.locator('[data-testid="sample-view"][data-index="3"]').waitFor();
      expect((await page.getByTestId('sample-question').textContent())?.trim()).toBe(longcotRows()[3].question.trim());
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  });

  it('keeps non-ASCII text exact (θ, ², √, x₂) from a real file: the decoders of the parse workers (JS while warming up and on trial, then the faster of it and TextDecoder) agree with the file', async () => {
    const path = sharedFile('shortcot/gemma2_27b_it__math500.jsonl');
    const rows = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { code: string[] });
    const { ctx, page, errors } = await fresh();
    try {
      await drop(page, path);
      expect(await rowCount(page)).toBe(500);
      expect(await page.getByTestId('ingest-errors').getAttribute('data-count')).toBe('0');
      // The stored text is decoded again when a sample opens; what ingest decoded shows in the
      // table's thinking and answer lengths, which must be those of the file's text.
      const { mapping } = detectMapping(rows.slice(0, 200));
      for (const [j, bit] of [[0, "Find 'θ':"], [3, '2² x 7²'], [8, '√[(x₂ - x₁)² + (y₂ -'], [13, 'V = πr²h']] as const) {
        expect(rows[j].code.join('\n')).toContain(bit); // the file has it
        await openRow(page, j);
        expect(await page.getByTestId('sample-view').textContent()).toContain(bit);
        const want = mapRecord(rows[j], j, mapping).samples[0];
        const cells = await page.locator(`[data-testid="sample-row"][data-index="${j}"] [role="gridcell"]`).allTextContents();
        expect(cells.slice(3, 5)).toEqual([formatCount(want.think.length), formatCount(want.answer.length)]);
      }
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  });

  for (const kind of ['parquet', 'zstd', 'csv', 'gz'] as const) {
    it(`reads the same 500 rows from a generated ${kind === 'zstd' ? 'zstd Parquet' : kind} file`, async () => {
      const { ctx, page, errors } = await fresh();
      try {
        await drop(page, files[kind]);
        expect(await rowCount(page)).toBe(500);
        expect(await page.getByTestId('ingest-errors').getAttribute('data-count')).toBe('0');
        await page.getByTestId('sample-question').waitFor();
        expect((await page.getByTestId('sample-question').textContent())?.trim()).toBe(longcotRows()[0].question.trim());
        // A row of a later row group.
        expect(await openRow(page, 300)).toBe(longcotRows()[300].question.trim());
        // Parquet and gzip JSONL are parsed by the parse workers, which write the text store's files.
        if (kind !== 'csv') expect((await storedText(page, files[kind].split('/').pop()!)).chunks.some((c) => c.file)).toBe(true);
        expect(errors).toEqual([]);
      } finally {
        await ctx.close();
      }
    });
  }

  it('changes the mapping and re-derives the samples from stored rows', async () => {
    const { ctx, page } = await fresh();
    try {
      await drop(page, files.csv);
      expect(await page.getByTestId('map-response').inputValue()).toBe('response');
      // Map the response to the reference column: every sample becomes untagged text.
      await page.getByTestId('map-response').selectOption('gt');
      await page.getByTestId('apply-mapping').click();
      await page.locator('[data-testid="progress"][data-stage="remap"][data-running="false"]').waitFor();
      await page.getByTestId('sample-answer').waitFor();
      expect((await page.getByTestId('sample-answer').textContent())?.trim()).toBe(longcotRows()[0].gt.trim());
      expect(await rowCount(page)).toBe(500);
    } finally {
      await ctx.close();
    }
  });

  it('lists bad lines with their line numbers and still loads every valid row', async () => {
    const rows = longcotRows().slice(0, 20).map((r) => JSON.stringify(r));
    rows.splice(5, 0, '{"idx": 5, "question": "broken');
    rows.splice(9, 0, '[1, 2, 3]');
    const path = join(files.dir, 'with-bad-lines.jsonl');
    writeFileSync(path, rows.join('\n') + '\n');
    const { ctx, page } = await fresh();
    try {
      await drop(page, path);
      expect(await rowCount(page)).toBe(20);
      const errs = page.getByTestId('ingest-errors');
      expect(await errs.getAttribute('data-count')).toBe('2');
      const text = await errs.textContent();
      expect(text).toContain('line 6');
      expect(text).toContain('line 10');
    } finally {
      await ctx.close();
    }
  });

  describe('long ingests', () => {
    let big: string;
    let bigRows = 0;
    beforeAll(async () => {
      // ~160 MB: long enough that cancel and reload land mid-ingest on a 2-core machine.
      big = join(files.dir, 'big.jsonl');
      const out = createWriteStream(big);
      const rows = longcotRows();
      for (let rep = 0; rep < 40; rep++) {
        for (const r of rows) {
          out.write(JSON.stringify({ ...r, idx: bigRows++ }) + '\n');
        }
      }
      await new Promise((res) => out.end(res));
    });

    async function waitRows(page: Page, min: number) {
      await page.waitForFunction((m) => {
        const t = document.querySelector('[data-testid="progress-rows"]')?.textContent ?? '0';
        return Number(t.replace(/[^0-9]/g, '')) >= m;
      }, min, { timeout: 60_000 });
    }

    it('cancels, then resumes from the last committed batch to exactly all rows', async () => {
      const { ctx, page, errors } = await fresh();
      try {
        await page.getByTestId('file-input').setInputFiles(big);
        await waitRows(page, 1000);
        await page.getByTestId('cancel').click();
        await waitIdle(page);
        const item = page.locator('[data-testid="dataset-item"][data-name="big.jsonl"]');
        await expect(item.getAttribute('data-status')).resolves.toBe('incomplete');
        // What the parse workers wrote past the last commit is removed as the ingest stops (some
        // once the terminated workers let go of it, or once a create they had asked for lands:
        // the run's files are looked for again for ~2 s): every file left is a committed chunk's,
        // and no longer than the committed chunks in it (a worker appends its pieces to one file).
        await expect.poll(async () => {
          const t = await storedText(page, 'big.jsonl');
          const used = new Set(t.chunks.map((c) => c.file).filter(Boolean));
          const end = (f: string) => Math.max(...t.chunks.filter((c) => c.file === f).map((c) => c.at + c.len));
          return t.files.length > 0 && [...used].every((f) => t.files.includes(f!)) && t.files.every((f) => used.has(f) && t.sizes[f] === end(f));
        }, { timeout: 5000, interval: 100 }).toBe(true);
        const cut = await storedText(page, 'big.jsonl');
        await item.getByTestId('resume-file').setInputFiles(big);
        // Wait for the dataset's own status: the progress panel reads idle until the resume has
        // truncated to the last commit (and removed the files past it) and started.
        await page.waitForFunction(() => document.querySelector('[data-testid="dataset-item"][data-name="big.jsonl"]')?.getAttribute('data-status') === 'complete', undefined, { timeout: 110_000 });
        await waitIdle(page, 110_000);
        await expect(item.getAttribute('data-status')).resolves.toBe('complete');
        expect(await rowCount(page)).toBe(bigRows);
        // Both runs' text is in OPFS files: the resumed run read on from the last commit on every
        // core (parse workers write files; a read in line, or the line stitched at a cut, makes
        // Blobs). Every file left is some chunk's.
        const done = await storedText(page, 'big.jsonl');
        expect(cut.chunks.some((c) => c.file)).toBe(true);
        expect(done.chunks.slice(cut.chunks.length).some((c) => c.file)).toBe(true);
        expect(done.chunks.every((c) => (c.file ? c.len > 0 : (c.blob ?? 0) > 0))).toBe(true);
        const used = new Set(done.chunks.map((c) => c.file).filter(Boolean));
        // and no other, also once a create that had not answered when its worker ended lands (it
        // is removed then: the folder of a complete dataset is looked at again for ~2 s).
        await expect.poll(async () => (await storedText(page, 'big.jsonl')).files.sort(), { timeout: 5000, interval: 200 }).toEqual([...used].sort());
        // A row from each run opens with its own text.
        const rows = longcotRows();
        for (const target of [1, bigRows - 1]) expect(await openRow(page, target), `row ${target}`).toBe(rows[target % 500].question.trim());
        expect(errors).toEqual([]);
      } finally {
        await ctx.close();
      }
    });

    it('cancels a gzipped file, then resumes it on every core from the last commit to exactly all rows, with the SHA-256 of the file', async () => {
      const gz = join(files.dir, 'big.jsonl.gz');
      await pipeline(createReadStream(big), createGzip({ level: 1 }), createWriteStream(gz));
      const sha = createHash('sha256').update(readFileSync(gz)).digest('hex');
      const { ctx, page, errors } = await fresh();
      try {
        await page.getByTestId('file-input').setInputFiles(gz);
        await waitRows(page, 1000);
        await page.getByTestId('cancel').click();
        await waitIdle(page);
        const item = page.locator('[data-testid="dataset-item"][data-name="big.jsonl.gz"]');
        await expect(item.getAttribute('data-status')).resolves.toBe('incomplete');
        const cut = await storedText(page, 'big.jsonl.gz');
        expect(cut.chunks.length).toBeGreaterThan(0);
        await item.getByTestId('resume-file').setInputFiles(gz);
        await page.waitForFunction(() => document.querySelector('[data-testid="dataset-item"][data-name="big.jsonl.gz"]')?.getAttribute('data-status') === 'complete', undefined, { timeout: 110_000 });
        await waitIdle(page, 110_000);
        expect(await rowCount(page)).toBe(bigRows);
        // The resumed run's text is in OPFS files: the parse workers read on from the commit (the
        // read in line, which a gzip resume took before, stores Blobs).
        const done = await storedText(page, 'big.jsonl.gz');
        expect(done.chunks.slice(cut.chunks.length).filter((c) => c.file).length).toBeGreaterThan(done.chunks.slice(cut.chunks.length).length / 2);
        await expect(item.getByTestId('fingerprint').getAttribute('title')).resolves.toBe(`SHA-256 ${sha}`);
        const rows = longcotRows();
        for (const target of [1, Math.floor(bigRows / 2), bigRows - 1]) expect(await openRow(page, target), `row ${target}`).toBe(rows[target % 500].question.trim());
        expect(errors).toEqual([]);
      } finally {
        await ctx.close();
        rmSync(gz, { force: true });
      }
    });

    it('survives a reload mid-ingest: marked incomplete, Resume finishes, Discard removes', async () => {
      const { ctx, page } = await fresh();
      try {
        await page.getByTestId('file-input').setInputFiles(big);
        await waitRows(page, 1000);
        await page.reload();
        const item = page.locator('[data-testid="dataset-item"][data-name="big.jsonl"]');
        await item.waitFor();
        await page.waitForFunction(() => document.querySelector('[data-testid="dataset-item"][data-name="big.jsonl"]')?.getAttribute('data-status') === 'incomplete');
        await item.getByTestId('resume-file').setInputFiles(big);
        // Wait for the dataset's own status: the progress panel can read idle before the resume starts.
        await page.waitForFunction(() => document.querySelector('[data-testid="dataset-item"][data-name="big.jsonl"]')?.getAttribute('data-status') === 'complete', undefined, { timeout: 110_000 });
        await waitIdle(page, 110_000);
        await expect(item.getAttribute('data-status')).resolves.toBe('complete');
        expect(await rowCount(page)).toBe(bigRows);
        page.once('dialog', (d) => void d.accept());
        await item.getByTestId('delete').click();
        await item.waitFor({ state: 'detached' });
      } finally {
        await ctx.close();
      }
    });
  });
});
