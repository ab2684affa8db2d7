// The secrets of a run: -e values of variables named like secrets, and the SSH and become passwords
// the run uses. Every event passes through `redact` before any view sees it (the plain log at any
// verbosity, JSON lines, diffs, the live view, the check summary, the journal and `tsplay runs`),
// so none of them can show one. no_log results are censored where they are made (record.ts).
import type { Vars } from '../load/model.js';

/** variable names whose values are secrets */
export const SECRET_NAME = /pass(word|wd|phrase)?|secret|token|api[_-]?key|private[_-]?key|credential|auth/i;
/** connection and become passwords, whatever they are called */
export const PASSWORD_VARS = ['ansible_password', 'ansible_ssh_pass', 'ansible_ssh_password', 'ansible_become_password', 'ansible_become_pass', 'ansible_sudo_pass', 'ansible_sudo_password', 'ansible_su_pass'];
export const MASK = '********';
const TRIVIAL = new Set(['true', 'false', 'yes', 'no', 'none', 'null', 'on', 'off']);

export class Secrets {
  private readonly values = new Set<string>();
  private re: RegExp | undefined;

  // Adds a secret value (strings and numbers of 3 characters or more; not a boolean word).
  add(v: unknown): void {
    if (typeof v !== 'string' && typeof v !== 'number') return;
    const s = String(v);
    if (s.length < 3 || TRIVIAL.has(s.toLowerCase()) || this.values.has(s)) return;
    this.values.add(s);
    const alts = [...this.values].sort((a, b) => b.length - a.length).map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    this.re = new RegExp(alts.join('|'), 'g');
  }

  // Adds every value found under a key named like a secret (nested mappings and lists too).
  addNamed(vars: Vars, inside = false): void {
    for (const [k, v] of Object.entries(vars)) {
      const secret = inside || SECRET_NAME.test(k);
      if (v && typeof v === 'object') this.addNamed(Array.isArray(v) ? Object.fromEntries(v.map((x, i) => [String(i), x])) : (v as Vars), secret);
      else if (secret) this.add(v);
    }
  }

  get size(): number {
    return this.values.size;
  }

  // A text with every secret masked.
  text(s: string): string {
    return this.re ? s.replace(this.re, MASK) : s;
  }

  // A value with every secret masked in its strings (keys too); the same object when nothing changed.
  redact<T>(v: T): T {
    if (!this.re) return v;
    return this.walk(v, 0) as T;
  }

  private walk(v: unknown, depth: number): unknown {
    if (typeof v === 'string') return this.text(v);
    if (!v || typeof v !== 'object' || depth > 64) return v;
    let changed = false;
    if (Array.isArray(v)) {
      const out = v.map((x) => {
        const y = this.walk(x, depth + 1);
        if (y !== x) changed = true;
        return y;
      });
      return changed ? out : v;
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      const y = this.walk(x, depth + 1);
      const k2 = this.text(k);
      if (y !== x || k2 !== k) changed = true;
      out[k2] = y;
    }
    return changed ? out : v;
  }
}
