#!/usr/bin/env node
// The tsplay command: runs the bundled CLI when the build made one (see engine/cli/bundled.ts),
// else the compiled modules.
import { fileURLToPath } from 'node:url';
import { loadBundle } from './bundled.js';

type App = typeof import('./app.js');
const bundle = loadBundle(fileURLToPath(new URL('../../tsplay.cjs', import.meta.url)));
const { guardPipes, guardUncaught, main } = (bundle?.exports as App | undefined) ?? (await import('./app.js'));
guardPipes();
guardUncaught();
// One SIGINT listener for the whole process. Were there a moment with none (a command's own
// handler removed, this one not yet added), Node would restore the default and a Ctrl-C then
// would kill the process mid-exit. While a command runs without a handler of its own, Ctrl-C
// still kills it as the default would; once the command is done, it ends the process now with
// the command's exit code (while its last connections close).
let done = false;
const onSigint = () => {
  if (done) process.exit();
  else if (process.listenerCount('SIGINT') === 1) {
    process.off('SIGINT', onSigint);
    process.kill(process.pid, 'SIGINT');
  }
};
process.on('SIGINT', onSigint);
process.exitCode = await main(process.argv.slice(2));
done = true;
