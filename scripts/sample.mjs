#!/usr/bin/env node
/**
 * Writes public/sample/thinksift-sample.jsonl: a small synthetic reasoning dataset in the
 * OpenR1-Math-220k shape (problem, answer, problem_type, generations[], correctness_math_verify[]),
 * generated deterministically (seeded) so every build ships the same bytes. Traces vary in
 * length, rethinking words, correctness, and a few are truncated (no closing </think>).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { rng } from './rng.mjs';

const OUT = resolve(import.meta.dirname, '../public/sample/thinksift-sample.jsonl');
const PROBLEMS = 320;

const rand = rng(20261122);
const int = (a, b) => a + Math.floor(rand() * (b - a + 1));
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const gcd = (a, b) => (b ? gcd(b, a % b) : a);

const KINDS = [
  ['Algebra', () => {
    const a = int(2, 12), x = int(-20, 30), b = int(-50, 50), c = a * x + b;
    return { q: `Solve for $x$: $${a}x ${b < 0 ? '-' : '+'} ${Math.abs(b)} = ${c}$.`, ans: x,
      steps: [`We need to isolate $x$ in $${a}x ${b < 0 ? '-' : '+'} ${Math.abs(b)} = ${c}$.`, `${b < 0 ? 'Adding' : 'Subtracting'} ${Math.abs(b)} on both sides gives $${a}x = ${c - b}$.`, `Dividing by ${a}: $x = ${c - b}/${a} = ${x}$.`] };
  }],
  ['Number Theory', () => {
    const a = int(12, 400), b = int(12, 400), g = gcd(a, b);
    return { q: `What is the greatest common divisor of ${a} and ${b}?`, ans: g,
      steps: [`Use the Euclidean algorithm on ${a} and ${b}.`, `${Math.max(a, b)} mod ${Math.min(a, b)} = ${Math.max(a, b) % Math.min(a, b)}.`, `Continuing until the remainder is 0 leaves ${g}.`] };
  }],
  ['Number Theory', () => {
    const n = int(100, 9999), m = int(3, 17);
    return { q: `Find the remainder when ${n} is divided by ${m}.`, ans: n % m,
      steps: [`${n} = ${m} \\cdot ${Math.floor(n / m)} + r.`, `${m} \\cdot ${Math.floor(n / m)} = ${m * Math.floor(n / m)}.`, `So r = ${n} - ${m * Math.floor(n / m)} = ${n % m}.`] };
  }],
  ['Geometry', () => {
    const w = int(2, 40), h = int(2, 40);
    return { q: `A rectangle has width ${w} and height ${h}. What is its area?`, ans: w * h,
      steps: [`The area of a rectangle is width times height.`, `${w} \\times ${h} = ${w * h}.`] };
  }],
  ['Combinatorics', () => {
    const n = int(4, 12), k = int(1, 3);
    let c = 1; for (let i = 0; i < k; i++) c = (c * (n - i)) / (i + 1);
    return { q: `In how many ways can ${k} people be chosen from a group of ${n}?`, ans: c,
      steps: [`This is $\\binom{${n}}{${k}}$.`, `$\\binom{${n}}{${k}} = ${c}$.`] };
  }],
  ['Algebra', () => {
    const a1 = int(1, 20), d = int(1, 9), n = int(5, 40), s = (n * (2 * a1 + (n - 1) * d)) / 2;
    return { q: `Find the sum of the first ${n} terms of the arithmetic sequence ${a1}, ${a1 + d}, ${a1 + 2 * d}, \\ldots`, ans: s,
      steps: [`The sum is $S_n = \\frac{n}{2}(2a_1 + (n-1)d)$.`, `Here $a_1 = ${a1}$, $d = ${d}$, $n = ${n}$.`, `$S = \\frac{${n}}{2}(${2 * a1} + ${(n - 1) * d}) = ${s}$.`] };
  }],
];

const FILLER = [
  'Let me re-read the problem statement carefully to be sure what is asked.',
  'Hmm, I should be careful with the arithmetic here.',
  'Wait, let me double-check that computation.',
  'Alternatively, I could verify the result by substituting it back.',
  'But maybe there is a subtlety with the signs; let me check again.',
  'However, the numbers look consistent so far.',
  'Let me verify: plugging the value back in reproduces the given quantities.',
  'Okay, so far so good. Let me write the intermediate result down.',
];

function trace(steps, ans, { wrong, truncated, verbosity }) {
  const paras = ['Okay, let me think about this problem step by step.'];
  for (const s of steps) {
    paras.push(s);
    for (let i = 0; i < verbosity; i++) if (rand() < 0.6) paras.push(pick(FILLER));
  }
  const final = wrong ? ans + pick([-2, -1, 1, 3, 10]) : ans;
  if (truncated) return `<think>\n${paras.join('\n\n')}\n\nWait, let me reconsider the`;
  paras.push(`So the answer should be ${final}.`);
  return `<think>\n${paras.join('\n\n')}\n</think>\n\nThe answer is $\\boxed{${final}}$.`;
}

const lines = [];
for (let p = 0; p < PROBLEMS; p++) {
  const [type, make] = pick(KINDS);
  const { q, ans, steps } = make();
  const n = int(2, 4);
  const generations = [];
  const correctness = [];
  for (let g = 0; g < n; g++) {
    const wrong = rand() < 0.22;
    const truncated = rand() < 0.04;
    generations.push(trace(steps, ans, { wrong, truncated, verbosity: int(0, 6) }));
    correctness.push(!wrong && !truncated);
  }
  lines.push(JSON.stringify({
    uuid: `sample-${String(p).padStart(4, '0')}`,
    problem: q,
    solution: `${steps.join(' ')} The answer is $\\boxed{${ans}}$.`,
    answer: String(ans),
    problem_type: type,
    question_type: 'math-word-problem',
    source: 'thinksift-synthetic',
    generations,
    correctness_math_verify: correctness,
  }));
}
mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(OUT, lines.join('\n') + '\n');
console.log(`sample: ${lines.length} problems, ${(lines.join('\n').length / 1e6).toFixed(2)} MB → ${OUT}`);
