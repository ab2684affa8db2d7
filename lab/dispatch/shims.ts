// The sh shims of lab/shims.ts (whoami, hostname, id, uname, cat of the boot id) computed in
// process, for the argument forms where the shim answers by itself (the rest execs a real tool and
// goes to a real shell). Each must print exactly what its #!/bin/sh version prints.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ToolResult } from '../types.js';

// The one file the cat shim simulates.
export const BOOT_ID_PATH = '/proc/sys/kernel/random/boot_id';

// The shims emulated here.
export type ShimName = 'whoami' | 'hostname' | 'cat' | 'id' | 'uname';

type Env = Record<string, string | undefined>;

const ID_FORMS = new Set(['', '-u', '-un', '-nu', '-u -n', '-n -u', '-g', '-gn', '-ng', '-g -n', '-n -g']);
const UNAME_FORMS = new Set(['-r', '--kernel-release', '-n', '--nodename', '-a', '--all']);

const done = (stdout: string, stderr = '', rc = 0): ToolResult => ({ stdout, stderr, rc });

// Whether NAME ARGS is a shim answering without a real tool (the other forms exec one).
export function shimAnswers(name: string, args: string[]): name is ShimName {
  switch (name) {
    case 'whoami':
    case 'hostname':
      return true;
    case 'cat':
      return args.includes(BOOT_ID_PATH) && args.every((a) => a === BOOT_ID_PATH || a === '--');
    case 'id':
      return ID_FORMS.has(args.join(' '));
    case 'uname':
      return UNAME_FORMS.has(args.join(' '));
    default:
      return false;
  }
}

// GNU cat's message for a file it cannot read.
function catError(path: string, e: NodeJS.ErrnoException): string {
  const why: Record<string, string> = { ENOENT: 'No such file or directory', EACCES: 'Permission denied', EISDIR: 'Is a directory' };
  return `/bin/cat: ${path}: ${why[e.code ?? ''] ?? e.message}\n`;
}

function idOf(args: string[], env: Env): string {
  const root = env['TSPLAY_LAB_ROOT'] === '1';
  const u = root ? 'root' : (env['TSPLAY_LAB_USER'] ?? '');
  const [uid, gid, g] = root ? ['0', '0', 'root'] : ['1000', '1000', u];
  const groups = root ? '0(root)' : `1000(${u}),4(adm),27(sudo),998(microk8s)`;
  const form = args.join(' ');
  if (form === '') return `uid=${uid}(${u}) gid=${gid}(${g}) groups=${groups}\n`;
  if (form === '-u') return `${uid}\n`;
  if (form === '-g') return `${gid}\n`;
  return `${form.includes('u') ? u : g}\n`;
}

function unameOf(args: string[], env: Env): string {
  const node = env['TSPLAY_LAB_NODE'] ?? '';
  let k = '';
  try {
    k = readFileSync(join(env['TSPLAY_LAB_BOOT_DIR'] ?? '', `${node}.kernel`), 'utf8').replace(/\n+$/, '');
  } catch {
    /* the shim's $(cat … 2>/dev/null) is empty */
  }
  const form = args.join(' ');
  if (form === '-r' || form === '--kernel-release') return `${k}\n`;
  if (form === '-n' || form === '--nodename') return `${node}\n`;
  return `Linux ${node} ${k} #50-Ubuntu SMP PREEMPT_DYNAMIC Sat Sep 14 18:07:34 UTC 2024 x86_64 x86_64 x86_64 GNU/Linux\n`;
}

function catBootId(args: string[], env: Env): ToolResult {
  const path = join(env['TSPLAY_LAB_BOOT_DIR'] ?? '', env['TSPLAY_LAB_NODE'] ?? '');
  let stdout = '';
  let stderr = '';
  for (const a of args) {
    if (a === '--') continue;
    try {
      stdout += readFileSync(path, 'utf8');
    } catch (e) {
      stderr += catError(path, e as NodeJS.ErrnoException);
    }
  }
  return done(stdout, stderr, stderr ? 1 : 0);
}

// Runs a shim that shimAnswers() accepted, with the shell's environment.
export function runShim(name: ShimName, args: string[], env: Env): ToolResult {
  switch (name) {
    case 'whoami':
      return done(`${env['TSPLAY_LAB_ROOT'] === '1' ? 'root' : (env['TSPLAY_LAB_USER'] ?? '')}\n`);
    case 'hostname': {
      const a = args[0] ?? '';
      if (['-i', '--ip-address', '-I', '--all-ip-addresses'].includes(a)) return done(`${env['TSPLAY_LAB_NODE_IP'] ?? ''}\n`);
      if (a === '' || a.startsWith('-')) return done(`${env['TSPLAY_LAB_NODE'] ?? ''}\n`);
      return done('', 'hostname: you must be root to change the host name\n', 1);
    }
    case 'cat':
      return catBootId(args, env);
    case 'id':
      return done(idOf(args, env));
    case 'uname':
      return done(unameOf(args, env));
  }
}
