// The stages before a run: load the playbook and the inventory, validate, and collect
// every diagnostic; shared by `run`, `validate`, `plan` and `--check`.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import { loadInventory, type Inventory } from '../inventory/index.js';
import { loadPlaybook } from '../load/playbook.js';
import type { Playbook, Vars } from '../load/model.js';
import { validatePlaybook } from '../validate/rules.js';
import { buildPlan, type ExecutionPlan, type PlanOptions } from '../plan/plan.js';
import type { Config } from './config.js';
import { UsageError } from './args.js';
import type { ModuleRegistry } from '../module.js';
import { installLookups } from '../run/lookups.js';
import { AnsibleModules, defaultCollectionPaths } from '../load/ansible-modules.js';

// The modules Ansible would find for this configuration (collections, library folders).
export function ansibleModulesOf(cfg: Config): AnsibleModules {
  return new AnsibleModules({ collections: defaultCollectionPaths(cfg.collectionsPaths), library: cfg.library });
}

export interface Prepared {
  playbook?: Playbook;
  inventory?: Inventory;
  plan?: ExecutionPlan;
  diagnostics: Diagnostic[];
}

/** the lab's inventory, the default when no -i is given and no ansible.cfg names one */
export function labInventoryPath(cwd = process.cwd()): string {
  return resolve(cwd, 'inventory', 'lab.yml');
}

// Which inventory sources to use: -i flags, then ansible.cfg, then the lab's inventory.
export function inventorySources(flags: string[], cfg: Config, cwd = process.cwd()): string[] {
  if (flags.length > 0) return flags.map((f) => (f.includes(',') && !existsSync(f) ? f : resolve(cwd, f)));
  if (cfg.inventory.length > 0) return cfg.inventory;
  const lab = labInventoryPath(cwd);
  if (existsSync(lab)) return [lab];
  // ansible-playbook's default: /etc/ansible/hosts, else only the implicit localhost (with a warning)
  return existsSync('/etc/ansible/hosts') ? ['/etc/ansible/hosts'] : [];
}

export interface PrepareRequest {
  playbook: string;
  /** inventory sources (files, directories, host lists) */
  sources: string[];
  extraVars: Vars;
  rolesPath: string[];
  modules: ModuleRegistry;
  /** the modules Ansible knows beyond tsplay's own */
  ansibleModules?: AnsibleModules;
  tags?: PlanOptions['tags'];
  limit?: string;
}

// Loads and validates; diagnostics hold every problem found (nothing is contacted).
export function prepare(req: PrepareRequest): Prepared {
  const { sources, extraVars, modules } = req;
  installLookups();
  const file = resolve(req.playbook);
  if (!existsSync(file)) throw new UsageError(`ERROR! the playbook: ${req.playbook} could not be found`, 1);
  const diagnostics: Diagnostic[] = [];
  const pb = loadPlaybook(file, { extraVars, rolesPath: req.rolesPath, modules, ...(req.ansibleModules ? { ansibleModules: req.ansibleModules } : {}) });
  let playbook: Playbook | undefined;
  if (pb.ok) {
    playbook = pb.value;
    diagnostics.push(...(pb.warnings ?? []));
    diagnostics.push(...validatePlaybook(pb.value));
  } else {
    diagnostics.push(...pb.diagnostics);
    if (pb.partial) diagnostics.push(...validatePlaybook(pb.partial));
  }
  const inv = loadInventory(sources, { playbookDir: dirname(file) });
  let inventory: Inventory | undefined;
  if (inv.ok) inventory = inv.value;
  else diagnostics.push(...inv.diagnostics);
  const out: Prepared = { diagnostics };
  if (playbook) out.playbook = playbook;
  if (inventory) out.inventory = inventory;
  if (playbook && inventory) {
    out.plan = buildPlan(playbook, inventory, { tags: req.tags ?? { only: [], skip: [] }, extraVars, ...(req.limit !== undefined ? { limit: req.limit } : {}) });
    diagnostics.push(...out.plan.diagnostics);
  }
  return out;
}

// Exit code for a failed validation: 5 when every error is a bad option value (as
// ansible-playbook does for e.g. an invalid `order`), 4 otherwise.
export function validationExit(d: Diagnostic[]): number {
  const errors = d.filter((x) => x.severity !== 'warning');
  return errors.length > 0 && errors.every((x) => x.code === 'bad-value') ? 5 : 4;
}

// True when any diagnostic is an error (not a warning).
export function hasErrors(d: Diagnostic[]): boolean {
  return d.some((x) => x.severity !== 'warning');
}
