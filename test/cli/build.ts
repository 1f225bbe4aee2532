import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

/**
 * Make sure dist-cli/ is built from the current src/ before a test spawns the command: running
 * it once does that (bin/thinksift.mjs rebuilds a bundle older than src/).
 */
export function buildCliOnce(): void {
  execFileSync(process.execPath, [resolve(ROOT, 'bin/thinksift.mjs'), '--version'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
}
