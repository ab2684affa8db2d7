// slurp: returns a file from the host as base64 (read-only), like Ansible's slurp.
import { sh } from '../engine/connection/command.js';
import { defineModule } from '../engine/module.js';

// Arguments of slurp.
export const schema = {
  type: 'object',
  properties: {
    src: { type: 'string', aliases: ['path'], description: 'the file to read' },
  },
  additionalProperties: false,
} as const;

// Ansible's message for a file that cannot be read, from base64's error output.
export function slurpError(src: string, stderr: string): string {
  if (/No such file/.test(stderr)) return `file not found: ${src}`;
  if (/Permission denied/.test(stderr)) return `file is not readable: ${src}`;
  if (/Is a directory/.test(stderr)) return `source is a directory and must be a file: ${src}`;
  return `unable to slurp file: ${stderr.trim().replace(/^base64: /, '')}`;
}

// The slurp module: base64 on the host, read-only.
export default defineModule({
  name: 'slurp',
  summary: 'Read a file from the host (base64 encoded)',
  schema,
  freeForm: 'kv',
  checkMode: 'runs as usual (read-only)',
  example: '- slurp:\n    src: /etc/kubernetes/admin.conf\n  register: kubeconfig',
  async probe(ctx, args) {
    const src = args.src ?? '';
    if (src === '') return { changed: false, failed: 'missing required arguments: src' };
    // src is a path: a leading ~ is the remote user's home, reported expanded
    const tilde = src === '~' || src.startsWith('~/');
    const file = tilde ? sh`"$HOME"${src.slice(1)}` : sh`${src}`;
    const r = await ctx.host_.query(sh`printf '%s\n' "$HOME" && base64 -w0 < ${file}`);
    const nl = r.stdout.indexOf('\n');
    const source = tilde ? r.stdout.slice(0, nl) + src.slice(1) : src;
    if (r.rc !== 0) return { changed: false, failed: slurpError(source, r.stderr) };
    return { changed: false, result: { changed: false, content: r.stdout.slice(nl + 1).trim(), source, encoding: 'base64' } };
  },
});
