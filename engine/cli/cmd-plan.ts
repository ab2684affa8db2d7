// `tsplay plan`: the execution plan, with the play hosts resolved to cluster nodes (read-only
// probes; nothing changes); --json for tools.
import { loadVaultSecrets } from './vault-secrets.js';
import { builtinModules } from '../../modules/index.js';
import { formatDiagnostics } from '../source/format.js';
import { formatPlan } from '../report/plan.js';
import { listFlag, onePlaybook, rawList, type ParsedArgs } from './args.js';
import { loadConfig, parseExtraVars } from './config.js';
import { hasErrors, inventorySources, prepare, validationExit, ansibleModulesOf } from './prepare.js';
import type { Io } from './app.js';
import { runOptions } from './cmd-run.js';
import { registerTransports } from './transports.js';
import { previewIdentities } from '../run/safety/preview.js';

export async function cmdPlan(args: ParsedArgs, io: Io): Promise<number> {
  const pbPath = onePlaybook(args, 'tsplay plan PLAYBOOK');
  const cfg = loadConfig(io.env);
  loadVaultSecrets(args, cfg.vaultPasswordFiles);
  const extra = parseExtraVars(((args.flags['extra-vars'] as string[] | undefined) ?? []).map(String));
  const tags = { only: listFlag(args.flags['tags']), skip: listFlag(args.flags['skip-tags']) };
  const limit = typeof args.flags['limit'] === 'string' ? args.flags['limit'] : undefined;
  const prep = prepare({ playbook: pbPath, sources: inventorySources(rawList(args.flags['inventory']), cfg), extraVars: extra, rolesPath: cfg.rolesPath, modules: builtinModules(), ansibleModules: ansibleModulesOf(cfg), tags, ...(limit !== undefined ? { limit } : {}) });
  if (hasErrors(prep.diagnostics) || !prep.plan) {
    io.err(formatDiagnostics(prep.diagnostics, { color: io.isTTY && !io.env['NO_COLOR'] }));
    return validationExit(prep.diagnostics);
  }
  const options = runOptions(args, 5);
  await registerTransports();
  const identities = prep.playbook && prep.inventory ? await previewIdentities(prep.playbook, prep.inventory, options) : [];
  const safety = { identities, ...(options.allowUnsafe ? { allowUnsafe: options.allowUnsafe } : {}) };
  if (args.flags['json']) io.out(JSON.stringify({ ...prep.plan, safety }, null, 2));
  else io.out(formatPlan(prep.plan, { color: io.isTTY && !io.env['NO_COLOR'], tags: tags.only, skipTags: tags.skip, ...(limit ? { limit } : {}), safety }));
  return 0;
}
