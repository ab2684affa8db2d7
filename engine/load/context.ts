// State shared while loading one playbook: collected diagnostics, search paths, and the
// stack of files being imported (to report cycles instead of looping).
import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { diag, type Diagnostic, type DiagnosticCode, type SourcePos } from '../diagnostics.js';
import type { ReadShape, Vars } from './model.js';
import type { ModuleRegistry } from '../module.js';
import type { AnsibleModules } from './ansible-modules.js';
import { limit, limitHint } from '../shared/limits.js';

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

const MODULE_EXTS = ['.py', '.ps1', '.sh', ''];

function isFile(p: string): boolean {
  return existsSync(p) && statSync(p).isFile();
}

export class LoadContext {
  readonly diagnostics: Diagnostic[] = [];
  readonly importStack: string[] = [];
  /** the roles being loaded (directory and tasks file), innermost last, to refuse recursion */
  readonly roleStack: { key: string; name: string }[] = [];
  /** library/ folders of the roles loaded so far (Ansible adds each to the module path) */
  readonly roleLibraries = new Set<string>();
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

  // Refuses to go one level deeper when includes and roles already nest to the limit (a long
  // True when a custom module named `name` sits in a library/ folder Ansible would search first
  // (the task's role, roles loaded before, the playbook's): it shadows tsplay's module of that name.
  shadowedByLibrary(name: string, roleDir?: string): boolean {
    const dirs = [...(roleDir ? [resolve(roleDir, 'library')] : []), ...this.roleLibraries, resolve(this.playbookDir, 'library')];
    return dirs.some((d) => MODULE_EXTS.some((ext) => isFile(resolve(d, name + ext))));
  }

  // chain, or a cycle through templated names); true when refused (the diagnostic is recorded).
  tooDeep(what: string, pos?: SourcePos): boolean {
    const depth = this.importStack.length + this.roleStack.length;
    if (depth < limit('includeDepth')) return false;
    const chain = [...this.importStack.map((f) => relativeName(f, this.playbookDir)), ...this.roleStack.map((r) => `role ${r.name}`)];
    const shown = chain.length > 8 ? [...chain.slice(0, 3), '...', ...chain.slice(-4)] : chain;
    this.error('recursion', `${what}: imports and roles nested more than ${limit('includeDepth')} levels deep (${shown.join(' -> ')})`, pos, limitHint('includeDepth'));
    return true;
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

// A path shown relative to the playbook's directory when it is inside it.
export function relativeName(path: string, dir: string): string {
  const r = relative(dir, path);
  return r && !r.startsWith('..') ? r : path;
}
