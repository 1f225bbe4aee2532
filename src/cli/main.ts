/**
 * The `thinksift` command line: the app's recipe, measure, selection and export, headless.
 * Results go to stdout (one JSON object, or the rows with --pipe), progress and messages to
 * stderr, and the exit code says how it ended (errors.ts). One file per group of commands (cmd-*.ts).
 */
import { one, type Parsed } from './args';
import { measure, merge } from './cmd-measure';
import { score } from './cmd-models';
import { pairs } from './cmd-pairs';
import { perturb, select } from './cmd-select';
import { CliError, EXIT } from './errors';
import type { Io } from './flags';
import { HELP } from './help';
import { appVersion } from './paths';
import { Progress, progressMode } from './progress';

/** Run the CLI with `argv` (without node and the script); resolves with the exit code. */
export async function main(argv: readonly string[], io: Io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, isTty: !!process.stderr.isTTY }): Promise<number> {
  const [cmd, ...rest] = argv;
  const say = (s: string) => io.stderr.write(s.endsWith('\n') ? s : s + '\n');
  try {
    if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
      io.stdout.write(HELP.main);
      return cmd ? EXIT.ok : EXIT.usage;
    }
    if (cmd === '--version') {
      io.stdout.write(`${appVersion()}\n`);
      return EXIT.ok;
    }
    const help = HELP[cmd as keyof typeof HELP];
    if (!help || cmd === 'main') throw new CliError(`Unknown command "${cmd}" (see thinksift --help)`, EXIT.usage);
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout.write(help);
      return EXIT.ok;
    }
    const progress = (p: Parsed) => new Progress(progressMode(one(p, 'progress'), io.isTty), io.stderr);
    switch (cmd) {
      case 'select': return await select(rest, io, progress);
      case 'measure': return await measure(rest, io, progress);
      case 'merge': return await merge(rest, io, progress);
      case 'score': return await score(rest, io, progress, 'score');
      case 'embed': return await score(rest, io, progress, 'embed');
      case 'perturb': return await perturb(rest, io, progress);
      case 'pairs': return await pairs(rest, io, progress);
      default:
        throw new CliError(`Unknown command "${cmd}" (see thinksift --help)`, EXIT.usage);
    }
  } catch (err) {
    if (err instanceof CliError) {
      say(`thinksift: ${err.message}`);
      return err.code;
    }
    say(`thinksift: failed: ${(err as Error)?.stack ?? err}`);
    return EXIT.failed;
  }
}
