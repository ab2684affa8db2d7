// `tsplay validate`: every error in the playbook and inventory at once; no host is contacted.
import { loadVaultSecrets } from './vault-secrets.js';
import { builtinModules } from '../../modules/index.js';
import { formatDiagnostics } from '../source/format.js';
import { listFlag, onePlaybook, rawList, type ParsedArgs } from './args.js';
import { loadConfig, parseExtraVars } from './config.js';
import { hasErrors, inventorySources, prepare, validationExit, ansibleModulesOf } from './prepare.js';
import type { Io } from './app.js';

export async function cmdValidate(args: ParsedArgs, io: Io): Promise<number> {
  const pbPath = onePlaybook(args, 'tsplay validate PLAYBOOK');
  const cfg = loadConfig(io.env);
  loadVaultSecrets(args, cfg.vaultPasswordFiles);
  const extra = parseExtraVars(((args.flags['extra-vars'] as string[] | undefined) ?? []).map(String));
  const sources = inventorySources(rawList(args.flags['inventory']), cfg);
  const limit = typeof args.flags['limit'] === 'string' ? { limit: args.flags['limit'] } : {};
  const prep = prepare({ playbook: pbPath, sources, extraVars: extra, rolesPath: cfg.rolesPath, modules: builtinModules(), ansibleModules: ansibleModulesOf(cfg), tags: { only: listFlag(args.flags['tags']), skip: listFlag(args.flags['skip-tags']) }, ...limit });
  if (prep.diagnostics.length > 0) io.err(formatDiagnostics(prep.diagnostics, { color: io.isTTY && !io.env['NO_COLOR'] }));
  if (hasErrors(prep.diagnostics)) return validationExit(prep.diagnostics);
  io.out(`${pbPath}: ok (${prep.playbook?.plays.length ?? 0} plays)`);
  return 0;
}
