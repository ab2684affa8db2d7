// Rendering with a host's variables outside module arguments: plain text (task names, confirm
// questions) and the template module's files.
import { stat } from 'node:fs/promises';
import { readTextBounded } from '../source/read.js';
import { hostname, userInfo } from 'node:os';
import { dirname, isAbsolute, join, resolve as resolvePath } from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { compileTemplate, hasTemplate, renderTemplateText, renderToString, STANDARD_DELIMITERS, withStandardDelimiters, type Delimiters, type TemplateLoader } from '../expr/index.js';
import type { VarScope } from './scope.js';

// A string with its {{ }} rendered (as is when it has none).
export function renderText(s: string, scope: VarScope): string {
  return hasTemplate(s) ? renderToString(compileTemplate(s), scope) : s;
}

// What `{% include %}` in a template file finds: the name in the including file's folder, then in
// each search path's templates/ and the path itself (ansible-core's template search path).
export function includeLoader(searchPaths: string[]): TemplateLoader {
  return (name) => {
    const dirs = isAbsolute(name) ? [''] : searchPaths.flatMap((d) => [join(d, 'templates'), d]);
    for (const d of dirs) {
      const p = d ? resolvePath(d, name) : name;
      if (existsSync(p) && statSync(p).isFile()) return { label: `template ${p}`, source: readTextBounded(p) };
    }
    return undefined;
  };
}

// The template module's file: handlebars (the template module's own format); a `.j2` file —
// Ansible's convention for Jinja2 templates — renders as Jinja2 like Ansible does, with its
// template_* variables, so existing roles work unchanged.
export async function renderTemplateFile(path: string, scope: VarScope, searchPaths: string[] = []): Promise<string> {
  const source = readTextBounded(path);
  if (!/\.(j2|jinja2?)$/.test(path)) {
    const { renderHandlebars } = await import('../template/handlebars.js');
    return renderHandlebars(source, scope.toObject(['inventory_hostname', 'group_names', 'groups', 'ansible_facts', 'ansible_play_hosts', 'ansible_play_batch', 'playbook_dir', 'ansible_check_mode']), path);
  }
  const { text, delimiters } = jinjaHeader(source);
  const body = Object.keys(delimiters).length > 0 ? withStandardDelimiters(text, delimiters) : text;
  const st = await stat(path);
  const withVars = scope.with({ name: 'template', vars: { template_path: path, template_fullpath: resolvePath(path), template_host: hostname(), template_uid: userInfo().username, template_mtime: st.mtime.toISOString(), template_run_date: new Date().toISOString(), ansible_managed: 'Ansible managed' } });
  return hasTemplate(body) ? renderTemplateText(`template ${path}`, body, withVars, includeLoader([dirname(path), ...searchPaths])) : body;
}

const HEADER_DELIMITERS: Record<string, [keyof Delimiters, 0 | 1]> = {
  variable_start_string: ['variable', 0],
  variable_end_string: ['variable', 1],
  block_start_string: ['block', 0],
  block_end_string: ['block', 1],
  comment_start_string: ['comment', 0],
  comment_end_string: ['comment', 1],
};

// A template's first line `#jinja2: variable_start_string:'<<', ...` (ansible-core's template
// overrides): the delimiters it sets, and the text without that line. Other settings are ignored.
function jinjaHeader(source: string): { text: string; delimiters: Delimiters } {
  if (!source.startsWith('#jinja2:')) return { text: source, delimiters: {} };
  const eol = source.indexOf('\n');
  const line = source.slice('#jinja2:'.length, eol < 0 ? undefined : eol);
  const delimiters: Delimiters = {};
  for (const m of line.matchAll(/(\w+)\s*:\s*(?:'([^']*)'|"([^"]*)"|([^,\s]*))/g)) {
    const which = HEADER_DELIMITERS[m[1] as string];
    if (!which) continue;
    const [kind, i] = which;
    const [open, close] = delimiters[kind] ?? STANDARD_DELIMITERS[kind];
    const pair: [string, string] = [open, close];
    pair[i] = m[2] ?? m[3] ?? m[4] ?? '';
    delimiters[kind] = pair;
  }
  return { text: eol < 0 ? '' : source.slice(eol + 1), delimiters };
}
