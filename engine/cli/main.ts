#!/usr/bin/env node
import { guardPipes, guardUncaught, main } from './app.js';
guardPipes();
guardUncaught();
process.exitCode = await main(process.argv.slice(2));
