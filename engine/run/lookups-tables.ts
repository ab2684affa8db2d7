// The `ini` and `csvfile` lookups: a value from an INI (or Java properties) file section, or the
// column of the CSV row whose first field is the key, with Ansible's term syntax
// (`key section=... file=... type=properties re=true default=...`, keyword arguments too).
import { parseKv } from '../load/kv.js';
import { compilePyRe } from '../py/regex.js';

export type TableLookup = (terms: unknown[], kw: Record<string, unknown>, find: (file: string) => string | undefined, read: (path: string, encoding?: string) => string) => unknown[];

const truthy = (v: unknown) => v === true || /^(1|true|yes|on|y|t)$/i.test(String(v ?? ''));

// Splits a term into its key and parameters (the term's own key=value pairs over the keywords).
function params(term: unknown, kw: Record<string, unknown>): { key: string; p: Record<string, unknown> } {
  const parsed = parseKv(String(term), false);
  const key = String(parsed['_raw_params'] ?? '').trim();
  const { _raw_params: _r, ...rest } = parsed;
  return { key, p: { ...kw, ...rest } };
}

// INI text as configparser reads it: sections of options (keys lower-cased unless case-sensitive),
// `key = value` / `key: value`, indented continuation lines, # and ; comments.
function parseIni(text: string, caseSensitive: boolean, allowNoValue: boolean): Map<string, Map<string, string | null>> {
  const sections = new Map<string, Map<string, string | null>>();
  let current: Map<string, string | null> | undefined;
  let last: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*([#;]|$)/.test(raw)) continue;
    if (/^\s/.test(raw) && current && last !== undefined && current.get(last) !== null) {
      current.set(last, `${current.get(last) ?? ''}\n${raw.trim()}`);
      continue;
    }
    const sec = /^\s*\[([^\]]+)\]/.exec(raw);
    if (sec) {
      current = sections.get(sec[1] as string) ?? new Map();
      sections.set(sec[1] as string, current);
      continue;
    }
    if (!current) throw new Error(`File contains no section headers.`);
    const m = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(raw.trim());
    const k = m ? (m[1] as string) : raw.trim();
    if (!m && !allowNoValue) throw new Error(`Source contains parsing errors: ${raw.trim()}`);
    last = caseSensitive ? k : k.toLowerCase();
    current.set(last, m ? (m[2] as string) : null);
  }
  return sections;
}

// ini: the value of each key (or of every key matching it with re=true) in the section.
export const iniLookup: TableLookup = (terms, kw, find, read) =>
  terms.flatMap((term) => {
    const { key, p } = params(term, kw);
    const type = String(p['type'] ?? 'ini');
    const file = String(p['file'] ?? 'ansible.ini');
    const path = find(file);
    if (!path) throw new Error(`file not found: ${file}`);
    const caseSensitive = truthy(p['case_sensitive']);
    const body = read(path, p['encoding'] === undefined ? undefined : String(p['encoding']));
    const text = type === 'properties' ? `[java_properties]\n${body}` : body;
    const section = type === 'properties' ? 'java_properties' : String(p['section'] ?? 'global');
    const opts = parseIni(text, caseSensitive, truthy(p['allow_no_value']));
    const sec = opts.get(section);
    if (!sec) throw new Error(`No section '${section}' in ${file}`);
    if (truthy(p['re'])) {
      const re = compilePyRe(key);
      return [...sec.entries()].filter(([k]) => re.test(k)).map(([, v]) => v);
    }
    const k = caseSensitive ? key : key.toLowerCase();
    return [sec.has(k) ? sec.get(k) : (p['default'] ?? '')];
  });

const CSV_OPTIONS = new Set(['file', 'delimiter', 'encoding', 'default', 'col']);

// csvfile: column `col` (default 1) of the row whose first field is the key; no row and no
// default: nothing for that term.
export const csvfileLookup: TableLookup = (terms, kw, find, read) =>
  terms.flatMap((term) => {
    const parsed = parseKv(String(term), false);
    if (parsed['_raw_params'] === undefined) throw new Error('Search key is required but was not found');
    for (const name of Object.keys(parsed)) if (name !== '_raw_params' && !CSV_OPTIONS.has(name)) throw new Error(`${name} is not a valid option`);
    const { key, p } = params(term, kw);
    const file = String(p['file'] ?? 'ansible.csv');
    const path = find(file);
    if (!path) throw new Error(`csvfile: [Errno 2] No such file or directory: '${file}'`);
    const d = String(p['delimiter'] ?? 'TAB');
    const delimiter = d === 'TAB' || d === '\\t' ? '\t' : d;
    const col = Number(p['col'] ?? 1);
    for (const line of read(path, p['encoding'] === undefined ? undefined : String(p['encoding'])).split(/\r?\n/)) {
      const row = splitCsv(line, delimiter);
      if (row.length > 0 && row[0] === key) {
        if (col >= row.length) throw new Error(`csvfile: list index out of range`);
        return [row[col]];
      }
    }
    const dflt = p['default'];
    return dflt === undefined || dflt === null ? [] : [dflt];
  });

// One CSV line (Python's csv: double quotes, doubled quotes inside).
function splitCsv(line: string, delimiter: string): string[] {
  if (line === '') return [];
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"' && cur === '') quoted = true;
    else if (line.startsWith(delimiter, i)) {
      out.push(cur);
      cur = '';
      i += delimiter.length - 1;
    } else cur += c;
  }
  out.push(cur);
  return out;
}
