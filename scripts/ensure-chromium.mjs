#!/usr/bin/env node
/**
 * Makes sure Debian's Chromium is at /usr/bin/chromium for the browser tests: installs it with
 * apt when missing and we are root; otherwise explains what to do. Never downloads a browser
 * build of its own (that cannot work offline).
 */
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';

const BIN = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (existsSync(BIN)) process.exit(0);
if (process.getuid?.() !== 0) {
  console.error(`Chromium not found at ${BIN}. Install it (Debian/Ubuntu: sudo apt-get install -y chromium) or set CHROMIUM_PATH.`);
  process.exit(1);
}
console.log('Installing Debian chromium for the browser tests…');
execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium', { stdio: 'inherit' });
if (!existsSync(BIN)) {
  console.error(`apt-get finished but ${BIN} is still missing`);
  process.exit(1);
}
