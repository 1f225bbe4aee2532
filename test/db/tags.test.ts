import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import { deleteDataset, getDataset, putDataset } from '../../src/db/datasets';
import { openDb, DB_VERSION, type DB, type DatasetMeta } from '../../src/db/schema';
import { changeTag, cleanTag, readTags } from '../../src/db/tags';

let n = 0;
const open: DB[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

function meta(id: string): DatasetMeta {
  return {
    id, name: `${id}.jsonl`, source: { kind: 'file', name: `${id}.jsonl` }, format: 'jsonl', compressed: null,
    mapping: { shape: 'plain', question: 'q', response: 'r' }, mappingVersion: 0, columns: [], shapeCounts: {}, status: 'complete',
    createdAt: 1, updatedAt: 1, resume: { fileRows: 0, records: 0, samples: 0, chunks: 0, parts: 0, bytes: 0 }, errors: [], errorCount: 0, notices: [], storedChars: 0,
  } as DatasetMeta;
}

describe('tags in IndexedDB', () => {
  it('upgrades a version 1 database: its datasets stay, the tags and packs stores are added', async () => {
    const name = `tags-upgrade-${++n}`;
    const v1 = await openDB(name, 1, {
      upgrade(db) {
        db.createObjectStore('datasets', { keyPath: 'id' });
        db.createObjectStore('chunks', { keyPath: ['ds', 'n'] });
        db.createObjectStore('columns', { keyPath: ['ds', 'name', 'part'] });
      },
    });
    await v1.put('datasets', meta('old'));
    v1.close();
    const db = await openDb(name);
    open.push(db);
    expect(DB_VERSION).toBe(3);
    expect(db.version).toBe(3);
    expect([...db.objectStoreNames].sort()).toEqual(['chunks', 'columns', 'datasets', 'packs', 'tags']);
    expect((await getDataset('old', db))?.name).toBe('old.jsonl');
    expect(await readTags('old', db)).toEqual(new Map());
  });

  it('adds and removes tags per dataset and sample, and deleting a dataset deletes its tags', async () => {
    const db = await openDb(`tags-${++n}`);
    open.push(db);
    await putDataset(meta('a'), db);
    await putDataset(meta('b'), db);
    await changeTag('a', ['1', '2', '2'], '  hard   proof ', true, db);
    await changeTag('a', ['2'], 'check', true, db);
    await changeTag('b', ['1'], 'other', true, db);
    expect(await readTags('a', db)).toEqual(new Map([['1', ['hard proof']], ['2', ['check', 'hard proof']]]));
    const after = await changeTag('a', ['1', '2'], 'hard proof', false, db);
    expect(after).toEqual(new Map([['1', []], ['2', ['check']]]));
    expect(await readTags('a', db)).toEqual(new Map([['2', ['check']]]));
    expect(await changeTag('a', ['1'], '   ', true, db)).toEqual(new Map());
    await deleteDataset('a', db);
    expect(await readTags('a', db)).toEqual(new Map());
    expect(await readTags('b', db)).toEqual(new Map([['1', ['other']]]));
    expect(cleanTag('x'.repeat(300))).toHaveLength(100);
  });
});
