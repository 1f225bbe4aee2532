import { describe, expect, it } from 'vitest';
import { buildManifest, canonical, manifestJson, MANIFEST_VERSION, type ManifestInput } from '../../../src/core/export/manifest';

const INPUT: ManifestInput = {
  recipe: { select: { method: 'select2reason', pct: 0.1 }, filters: [{ kind: 'correct' }, { kind: 'length', max: 16384 }] },
  fingerprint: 'sha256:abc',
  selectionHash: 'sel:123',
  counts: { truncated: 2, selected: 10, skipped: 1, total: 100 },
  format: 'trl-messages',
  fileName: 'curated.jsonl',
  appVersion: '0.1.0',
  createdAt: '2026-01-02T03:04:05.678Z',
  options: { system: null, style: 'think-tags' },
};

describe('buildManifest', () => {
  it('has a fixed top-level key order and sorted nested keys', () => {
    const m = buildManifest(INPUT);
    expect(Object.keys(m)).toEqual([
      'tool',
      'manifestVersion',
      'appVersion',
      'createdAt',
      'format',
      'fileName',
      'options',
      'counts',
      'selectionHash',
      'fingerprint',
      'recipe',
    ]);
    expect(Object.keys(m.counts)).toEqual(['selected', 'total', 'skipped', 'truncated']);
    expect(Object.keys(m.recipe as object)).toEqual(['filters', 'select']);
    expect(m.manifestVersion).toBe(MANIFEST_VERSION);
  });
  it('writes the exact JSON', () => {
    expect(manifestJson(buildManifest(INPUT))).toBe(`{
  "tool": "ThinkSift",
  "manifestVersion": 1,
  "appVersion": "0.1.0",
  "createdAt": "2026-01-02T03:04:05.678Z",
  "format": "trl-messages",
  "fileName": "curated.jsonl",
  "options": {
    "style": "think-tags",
    "system": null
  },
  "counts": {
    "selected": 10,
    "total": 100,
    "skipped": 1,
    "truncated": 2
  },
  "selectionHash": "sel:123",
  "fingerprint": "sha256:abc",
  "recipe": {
    "filters": [
      {
        "kind": "correct"
      },
      {
        "kind": "length",
        "max": 16384
      }
    ],
    "select": {
      "method": "select2reason",
      "pct": 0.1
    }
  }
}
`);
  });
  it('is byte-identical for equal inputs given in another key order', () => {
    const shuffled: ManifestInput = {
      createdAt: INPUT.createdAt,
      appVersion: INPUT.appVersion,
      fileName: INPUT.fileName,
      format: INPUT.format,
      counts: { total: 100, truncated: 2, skipped: 1, selected: 10 },
      selectionHash: INPUT.selectionHash,
      fingerprint: INPUT.fingerprint,
      options: { style: 'think-tags', system: null },
      recipe: { filters: [{ kind: 'correct' }, { max: 16384, kind: 'length' }], select: { pct: 0.1, method: 'select2reason' } },
    };
    expect(manifestJson(buildManifest(shuffled))).toBe(manifestJson(buildManifest(INPUT)));
  });
  it('null fingerprint and options when absent', () => {
    const { fingerprint: _f, options: _o, ...rest } = INPUT;
    const m = buildManifest(rest);
    expect(m.fingerprint).toBeNull();
    expect(m.options).toBeNull();
  });
  it('does not share or change the caller\'s objects', () => {
    const input = structuredClone(INPUT);
    const m = buildManifest(input);
    expect(input).toEqual(INPUT);
    expect(m.recipe).not.toBe(input.recipe);
  });
  it('rejects a createdAt that is not ISO 8601 and bad counts', () => {
    for (const createdAt of ['2026-01-02', 'yesterday', '2026-01-02 03:04:05Z', '2026-13-40T99:00:00Z', '2026-01-02T03:04:05']) {
      expect(() => buildManifest({ ...INPUT, createdAt }), createdAt).toThrow(RangeError);
    }
    expect(() => buildManifest({ ...INPUT, createdAt: '2026-01-02T03:04:05+02:00' })).not.toThrow();
    expect(() => buildManifest({ ...INPUT, counts: { selected: -1, total: 1 } })).toThrow(RangeError);
    expect(() => buildManifest({ ...INPUT, counts: { selected: 1, total: 2, x: 1.5 } })).toThrow(RangeError);
  });
});

describe('canonical', () => {
  it('matches JSON semantics with sorted keys', () => {
    expect(
      canonical({ b: 1, a: undefined, c: [undefined, () => 1, NaN, 2], d: new Date('2026-01-02T00:00:00Z'), e: 3n }),
    ).toEqual({ b: 1, c: [null, null, null, 2], d: '2026-01-02T00:00:00.000Z', e: 3 });
    expect(JSON.stringify(canonical({ z: { y: 1, x: 2 }, a: 0 }))).toBe('{"a":0,"z":{"x":2,"y":1}}');
  });
});
