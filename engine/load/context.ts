// State shared while loading one playbook: collected diagnostics, search paths, and the
// stack of files being imported (to report cycles instead of looping).
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { diag, type Diagnostic, type DiagnosticCode, type SourcePos } from '../diagnostics.js';
import type { ReadShape, Vars } from './model.js';
import type { ModuleRegistry } from '../module.js';
import type { AnsibleModules } from './ansible-modules.js';

export interface LoadOptions {
  /** the modules task actions resolve to */
  modules: ModuleRegistry;
  /** extra vars (-e), used to resolve templated import paths and role names */
  extraVars?: Vars;
  /** additional role directories (ANSIBLE_ROLES_PATH, ansible.cfg roles_path) */
  rolesPath?: string[];
  /** the modules Ansible knows beyond tsplay's own (they load, and fail when run) */
  ansibleModules?: AnsibleModules;
}

export class LoadContext {
  readonly diagnostics: Diagnostic[] = [];
  readonly importStack: string[] = [];
  /** every file read as a playbook or task list, for the validator's envelope schema pass */
  readonly shapes: ReadShape[] = [];
  /** the folder of the playbook file whose plays are being loaded (roles/ next to it is searched first) */
  basedir: string;
  constructor(
    readonly playbookFile: string,
    readonly options: LoadOptions,
  ) {
    this.basedir = dirname(playbookFile);
  }

  get modules(): ModuleRegistry {
    return this.options.modules;
  }

  get playbookDir(): string {
    return dirname(this.playbookFile);
  }

  // Records an error diagnostic.
  error(code: DiagnosticCode, message: string, pos?: SourcePos, hint?: string): void {
    this.diagnostics.push(diag(code, message, pos, hint));
  }

  // Records a warning (printed, does not stop the run).
  warn(code: DiagnosticCode, message: string, pos?: SourcePos): void {
    this.diagnostics.push({ ...diag(code, message, pos), severity: 'warning' });
  }

  // Finds a file relative to the given directories (first match), or undefined.
  findFile(name: string, dirs: string[]): string | undefined {
    if (isAbsolute(name)) return existsSync(name) ? name : undefined;
    for (const d of dirs) {
      const p = resolve(d, name);
      if (existsSync(p)) return p;
    }
    return undefined;
  }
}
