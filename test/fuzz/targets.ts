// The fuzz targets: each runs one generated input through a part of tsplay in process and
// throws when the outcome is a crash — an exception other than the part's own errors, a
// diagnostic without a usable position, an "internal error" or a stack trace in the output, or
// an exit code ansible-playbook does not have. Expected failures (diagnostics, expression
// errors, failed tasks, exit codes 1-5) are fine: hostile input is supposed to be refused.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Diagnostic } from '../../engine/diagnostics.js';
import { formatDiagnostics } from '../../engine/source/format.js';
import { forgetSources, readYaml } from '../../engine/source/yaml-file.js';
import { sourceText } from '../../engine/source/text.js';
import { ExprRuntimeError, ExprSyntaxError, UndefinedVariableError, compileTemplate, evaluateCondition, listNames, renderTemplate, templateVariable, type Scope } from '../../engine/expr/index.js';
import { loadInventory, parseInventoryFile } from '../../engine/inventory/index.js';
import { createInventory } from '../../engine/inventory/model.js';
import { prepare } from '../../engine/cli/prepare.js';
import { main, type Io } from '../../engine/cli/app.js';
import { builtinModules } from '../../modules/index.js';
import type { CliCase, PlaybookTree } from './arbitraries.js';

export class Crash extends Error {}

const STACK = /\n\s+at .+[:(]\d+:\d+\)?/;

// Checks diagnostics: each has a code, a message, and (when positioned) an offset inside its file.
function checkDiagnostics(ds: Diagnostic[]): void {
  for (const d of ds) {
    if (!d.code || typeof d.message !== 'string') throw new Crash(`malformed diagnostic ${JSON.stringify(d)}`);
    if (/Maximum call stack|Invalid string length|internal error/i.test(d.message)) throw new Crash(`diagnostic reports a crash: ${d.code}: ${d.message.slice(0, 300)}`);
    if (d.pos) {
      const text = sourceText(d.pos.file);
      if (text !== undefined && (d.pos.offset < 0 || d.pos.offset > text.length)) throw new Crash(`diagnostic offset ${d.pos.offset} outside ${d.pos.file} (${text.length} chars): ${d.message}`);
    }
  }
  const printed = formatDiagnostics(ds, { color: false });
  if (/[\x00-\x08\x0b-\x1f\x7f]/.test(printed.replace(/\x1b\[[0-9;]*m/g, ''))) throw new Crash('a control character reached the printed diagnostics');
}

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'tsplay-fuzz-'));
}

function writeTree(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

// Runs f in a scratch directory that is removed afterwards, with the source caches cleared.
function inScratch<T>(f: (dir: string) => T): T {
  const dir = scratch();
  try {
    return f(dir);
  } finally {
    forgetSources();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- YAML loader

export function yamlTarget(input: string | Uint8Array): void {
  inScratch((dir) => {
    const path = join(dir, 'f.yml');
    writeFileSync(path, input);
    const { diagnostics } = readYaml(path);
    checkDiagnostics(diagnostics);
  });
}

// ---------------------------------------------------------------- playbook validator

const MODULES = builtinModules();

export function validatorTarget(tree: PlaybookTree): void {
  inScratch((dir) => {
    writeTree(dir, { ...tree.files, 'hosts.ini': 'web ansible_connection=local\nh1 ansible_connection=local\n' });
    const prep = prepare({ playbook: join(dir, 'main.yml'), sources: [join(dir, 'hosts.ini')], extraVars: { s: 1, f: 'a', r: 'r1', h: 'web' }, rolesPath: [], modules: MODULES });
    checkDiagnostics(prep.diagnostics);
  });
}

// ---------------------------------------------------------------- expressions

const deep = (n: number): unknown => (n === 0 ? 'bottom' : { k: [deep(n - 1)] });
const VARS: Record<string, unknown> = {
  x: 1, y: 'abc', s: 'hello world', l: [1, 2, 3], d: { a: 1, b: [1, 2], c: { d: null } }, n: null, f: 2.5,
  big: Array.from({ length: 2000 }, (_, i) => i), deep: deep(150), rec: '{{ rec }}', a: '{{ b }}', b: '{{ a ~ 1 }}', item: 'i',
};
const scope: Scope = { get: (name) => (Object.hasOwn(VARS, name) ? templateVariable(name, VARS[name], scope) : undefined) };
export const FILTERS = listNames('filter');
export const TESTS = listNames('test');

// The expression language's own errors are expected; a converted JavaScript error is a crash.
function expectedExprError(e: unknown): boolean {
  if (!(e instanceof ExprRuntimeError || e instanceof ExprSyntaxError || e instanceof UndefinedVariableError)) return false;
  if (/internal error in tsplay/.test(e.message)) throw new Crash(e.message);
  return true;
}

export function exprTarget(src: string): void {
  for (const run of [() => renderTemplate(compileTemplate(src), scope), () => evaluateCondition(src.replace(/\{\{|\}\}/g, ''), scope)]) {
    try {
      run();
    } catch (e) {
      if (!expectedExprError(e)) throw new Crash(`${(e as Error)?.name}: ${(e as Error)?.message}\n${(e as Error)?.stack ?? ''}`);
    }
  }
}

// ---------------------------------------------------------------- inventories

export function inventoryTarget(text: string, ext: '.ini' | '.yml' | ''): void {
  inScratch((dir) => {
    const path = join(dir, `hosts${ext}`);
    writeFileSync(path, text);
    const inv = loadInventory([path], { playbookDir: dir });
    checkDiagnostics(inv.ok ? (inv.warnings ?? []) : inv.diagnostics);
    checkDiagnostics(parseInventoryFile(createInventory(), path, text));
  });
}

// ---------------------------------------------------------------- the command line (in process)

const EXIT_CODES = new Set([0, 1, 2, 4, 5, 99]);

export async function cliTarget(c: CliCase): Promise<{ code: number; out: string }> {
  const dir = scratch();
  const cwd = process.cwd();
  try {
    writeTree(dir, c.tree.files);
    const inv = c.inventoryKind === 'list' ? 'localhost,h1,' : join(dir, `hosts.${c.inventoryKind}`);
    if (c.inventoryKind !== 'list') writeFileSync(inv, c.inventory);
    writeFileSync(join(dir, 'vars.yml'), 'a: 1\n');
    process.chdir(dir);
    const argv = [c.command, ...(c.command === 'run' || c.command === 'validate' || c.command === 'plan' ? ['main.yml'] : []), ...c.flags, '-i', inv];
    // whatever the flags say, a run only ever uses the local connection and never asks
    if (c.command === 'run') argv.push('-c', 'local', '--output', 'plain', '-T', '5');
    let out = '';
    const io: Io = { out: (s) => void (out += `${s}\n`), err: (s) => void (out += `${s}\n`), isTTY: false, env: { HOME: dir, PATH: process.env['PATH'] ?? '' } };
    const code = await main(argv, io);
    if (!EXIT_CODES.has(code)) throw new Crash(`exit code ${code} for tsplay ${argv.join(' ')}\n${out.slice(-2000)}`);
    if (/internal error|Maximum call stack|Invalid string length/.test(out) || STACK.test(out)) throw new Crash(`crash output for tsplay ${argv.join(' ')}\n${out.slice(-3000)}`);
    return { code, out };
  } finally {
    process.chdir(cwd);
    forgetSources();
    rmSync(dir, { recursive: true, force: true });
  }
}
