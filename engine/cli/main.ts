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
process.exitCode = await main(process.argv.slice(2));
// The command is done: a Ctrl-C while its last connections close ends the process now, with the
// command's exit code (not killed by the signal).
process.on('SIGINT', () => process.exit());
