#!/usr/bin/env node
import { guardPipes, guardUncaught, main } from './app.js';
guardPipes();
guardUncaught();
process.exitCode = await main(process.argv.slice(2));
// The command is done: a Ctrl-C while its last connections close ends the process now, with the
// command's exit code (not killed by the signal).
process.on('SIGINT', () => process.exit());
