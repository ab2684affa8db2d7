// `tsplay inventory`: --graph, --list and --host, formatted like ansible-inventory.
import { loadVaultSecrets } from './vault-secrets.js';
import { dirname } from 'node:path';
import { formatGraph, formatHost, formatList, loadInventory } from '../inventory/index.js';
import { formatDiagnostics } from '../source/format.js';
import { rawList, UsageError, type ParsedArgs } from './args.js';
import { loadConfig } from './config.js';
import { inventorySources } from './prepare.js';
import type { Io } from './app.js';

export async function cmdInventory(args: ParsedArgs, io: Io): Promise<number> {
  const cfg = loadConfig(io.env);
  loadVaultSecrets(args, cfg.vaultPasswordFiles);
  const sources = inventorySources(rawList(args.flags['inventory']), cfg);
  const inv = loadInventory(sources, { playbookDir: dirname(sources[0] ?? '.') });
  if (!inv.ok) {
    io.err(formatDiagnostics(inv.diagnostics, { color: io.isTTY }));
    return 4;
  }
  if (args.flags['graph']) io.out(formatGraph(inv.value, args.positionals[0]));
  else if (typeof args.flags['host'] === 'string') {
    const out = formatHost(inv.value, args.flags['host']);
    if (!out) throw new UsageError(`ERROR! You must pass a single valid host to --host parameter (${args.flags['host']} is not in the inventory)`, 1);
    io.out(out);
  } else if (args.flags['list']) io.out(formatList(inv.value));
  else throw new UsageError('inventory: one of --graph, --list or --host NAME is required');
  return 0;
}
