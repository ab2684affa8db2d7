// A module's reference page, generated from its JSON schema (the single source of truth).
import type { ModuleDef } from '../module.js';

interface Prop {
  type?: string | string[];
  enum?: unknown[];
  default?: unknown;
  description?: string;
  items?: Prop;
  aliases?: string[];
}

// Arguments (type, required, default, aliases, choices, description), check-mode behaviour and an example.
export function moduleReference(m: ModuleDef): string {
  const schema = m.schema as { properties?: Record<string, Prop>; required?: string[] };
  const req = new Set(schema.required ?? []);
  const lines = [`${m.name} — ${m.summary}`, ''];
  if (m.aliases?.length) lines.push(`aliases: ${m.aliases.join(', ')}`, '');
  lines.push('arguments:');
  const props = Object.entries(schema.properties ?? {});
  if (props.length === 0) lines.push('  (free-form variables)');
  for (const [name, p] of props) {
    if (name === '_raw_params') {
      lines.push(`  (free form)  ${p.description ?? ''}`);
      continue;
    }
    const type = p.enum ? `one of ${p.enum.map(String).join('|')}` : Array.isArray(p.type) ? p.type.join('|') : (p.type ?? 'any');
    const extra = [
      req.has(name) ? 'required' : '',
      p.default !== undefined ? `default ${JSON.stringify(p.default)}` : '',
      p.aliases?.length ? `aliases: ${p.aliases.join(', ')}` : '',
    ].filter(Boolean).join(', ');
    lines.push(`  ${name.padEnd(22)} ${type}${extra ? ` (${extra})` : ''}`);
    if (p.description) lines.push(`  ${''.padEnd(22)} ${p.description}`);
  }
  lines.push('', `check mode: ${m.checkMode}`);
  if (m.example) lines.push('', 'example:', ...m.example.split('\n').map((l) => `  ${l}`));
  return lines.join('\n');
}
