// Prints diagnostics the way the brief asks: every error at once, each as
// `file:line:col: error[code]: message`, a code frame with a caret, and the hint.
import chalk, { Chalk } from 'chalk';
import type { Diagnostic } from '../diagnostics.js';
import { codeFrame, formatPos } from './position.js';

// Formats a list of diagnostics (errors first, in source order) for the terminal.
// `atRunTime`: found while running (an include): no "nothing was run" summary.
export function formatDiagnostics(diags: Diagnostic[], opts: { color?: boolean; atRunTime?: boolean } = {}): string {
  const c = opts.color ? chalk : new Chalk({ level: 0 });
  const sorted = [...diags].sort((a, b) => rank(a) - rank(b) || (a.pos?.file ?? '').localeCompare(b.pos?.file ?? '') || (a.pos?.offset ?? 0) - (b.pos?.offset ?? 0));
  const blocks = sorted.map((d) => {
    const sev = d.severity === 'warning' ? c.yellow('warning') : c.red('error');
    const where = d.pos ? `${formatPos(d.pos)}: ` : '';
    const lines = [`${c.bold(where)}${sev}[${d.code}]: ${printable(d.message)}`];
    if (d.pos) {
      const frame = codeFrame(d.pos);
      if (frame) lines.push(frame);
    }
    if (d.hint) lines.push(`  ${c.cyan('hint')}: ${d.hint}`);
    return lines.join('\n');
  });
  const errors = diags.filter((d) => d.severity !== 'warning').length;
  if (errors > 0 && !opts.atRunTime) blocks.push(c.red(`${errors} error${errors === 1 ? '' : 's'} found; nothing was run and no host was contacted.`));
  return blocks.join('\n\n');
}

// Control characters (from the input being reported on) shown as escapes, never sent to the terminal.
function printable(s: string): string {
  return s.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function rank(d: Diagnostic): number {
  return d.severity === 'warning' ? 1 : 0;
}
