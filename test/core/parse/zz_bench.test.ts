import { it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createCsvParser } from '../../../src/core/parse/csv';
import { createJsonlParser } from '../../../src/core/parse/jsonl';
import { createJsonArrayParser } from '../../../src/core/parse/json';
import { feed, splitEvery } from './helpers';

function time(label: string, f: () => unknown) {
  f();
  const t = performance.now();
  for (let k = 0; k < 3; k++) f();
  console.log(label, ((performance.now() - t) / 3).toFixed(1), 'ms');
}
it('bench', () => {
  const big = 'w,"\n'.repeat(1024 * 1024 + 1);
  const quoted = '"' + big.replace(/"/g, '""') + '"';
  const text = `a,b\n1,${quoted}\n2,x\n`;
  time('csv pathological 64k', () => feed(createCsvParser(), splitEvery(text, 65536)));
  const jl = readFileSync('/work/shared/data/longcot/skyt1_correct5k_27b__math500.jsonl', 'utf8');
  const jl10 = jl.repeat(10);
  const pieces = splitEvery(jl10, 65536);
  time('raw JSON.parse per line 40MB', () => jl10.split('\n').filter(Boolean).map((l) => JSON.parse(l)));
  time('jsonl 40MB', () => feed(createJsonlParser(), pieces));
  const arr = '[' + jl10.split('\n').filter(Boolean).join(',\n') + ']';
  time('raw JSON.parse whole array 40MB', () => JSON.parse(arr));
  time('json array 40MB', () => feed(createJsonArrayParser(), splitEvery(arr, 65536)));
  const pretty = readFileSync('/work/shared/data/steps/processbench_math.json', 'utf8').repeat(1);
  time('json pretty processbench 2MB', () => feed(createJsonArrayParser(), splitEvery(pretty, 65536)));
  time('raw JSON.parse processbench', () => JSON.parse(pretty));
  const rows = [];
  for (let i = 0; i < 200000; i++) rows.push(`${i},question number ${i},"quoted, with comma",${i * 0.5}`);
  const csv = 'id,q,c,s\n' + rows.join('\n') + '\n';
  time(`csv ${(csv.length / 1e6).toFixed(1)}MB 200k rows`, () => feed(createCsvParser(), splitEvery(csv, 65536)));
}, 120000);
