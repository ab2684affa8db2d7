// `tsplay modules [NAME]`: the module list, or one module's reference generated from its schema.
import { builtinModules } from '../../modules/index.js';
import { UsageError, type ParsedArgs } from './args.js';
import type { Io } from './app.js';
import { moduleReference } from '../report/module-doc.js';

export async function cmdModules(args: ParsedArgs, io: Io): Promise<number> {
  const name = args.positionals[0];
  const modules = builtinModules();
  if (!name) {
    const all = modules.all();
    const width = Math.max(...all.map((m) => m.name.length));
    for (const m of [...all].sort((a, b) => a.name.localeCompare(b.name))) io.out(`${m.name.padEnd(width)}  ${m.summary}`);
    return 0;
  }
  const mod = modules.find(name);
  if (!mod) throw new UsageError(`unknown module '${name}' (see tsplay modules)`, 5);
  io.out(moduleReference(mod));
  return 0;
}
