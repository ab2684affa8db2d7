// The `ini` and `csvfile` lookups: a value from an INI (or Java properties) file section, or the
// column of the CSV row whose first field is the key, with Ansible's term syntax
// (`key section=... file=... type=properties re=true default=...`, keyword arguments too).
import { parseKv } from '../load/kv.js';
import { isAnsibleTrue } from '../shared/coerce.js';
import { compilePyRe } from '../py/regex.js';
import { LookupFailure, LookupOptionsError, PyClassError } from './lookup-errors.js';
import { toPyRepr } from '../expr/index.js';

export type TableLookup = (terms: unknown[], kw: Record<string, unknown>, find: (file: string) => string | undefined, read: (path: string, encoding?: string) => string) => unknown[];


// Splits a term into its key and parameters (the term's own key=value pairs over the keywords).
function params(term: unknown, kw: Record<string, unknown>): { key: string; p: Record<string, unknown> } {
  const parsed = parseKv(String(term), false);
  const key = String(parsed['_raw_params'] ?? '').trim();
  const { _raw_params: _r, ...rest } = parsed;
  return { key, p: { ...kw, ...rest } };
}

// INI text as configparser reads it: sections of options (keys lower-cased unless case-sensitive),
// `key = value` / `key: value`, indented continuation lines, # and ; comments; lines it cannot read
// are told together at the end, an option twice at once.
function parseIni(text: string, caseSensitive: boolean, allowNoValue: boolean, file: string): Map<string, Map<string, string | null>> {
  const sections = new Map<string, Map<string, string | null>>();
  let current: Map<string, string | null> | undefined;
  let section = '';
  let last: string | undefined;
  const lines = text.split(/\r?\n/);
  const bad: string[] = [];
  for (const [i, raw] of lines.entries()) {
    const lineNo = i + 1;
    if (/^\s*([#;]|$)/.test(raw)) continue;
    if (/^\s/.test(raw) && current && last !== undefined && current.get(last) !== null) {
      current.set(last, `${current.get(last) ?? ''}\n${raw.trim()}`);
      continue;
    }
    const sec = /^\s*\[([^\]]+)\]/.exec(raw);
    if (sec) {
      section = sec[1] as string;
      current = sections.get(section) ?? new Map();
      sections.set(section, current);
      continue;
    }
    if (!current) throw new Error(`File contains no section headers.`);
    const m = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(raw.trim());
    const k = m ? (m[1] as string) : raw.trim();
    if (!m && !allowNoValue) {
      bad.push(`\n\t[line ${String(lineNo).padStart(2)}]: ${toPyRepr(i < lines.length - 1 ? `${raw}\n` : raw)}`);
      continue;
    }
    last = caseSensitive ? k : k.toLowerCase();
    // configparser (strict): an option twice in a section is an error
    if (current.has(last)) throw new LookupFailure(`Duplicate option in '${file}': While reading from '<???>' [line ${String(lineNo).padStart(2)}]: option '${last}' in section '${section}' already exists`);
    current.set(last, m ? (m[2] as string) : null);
  }
  if (bad.length) throw new PyClassError(`Source contains parsing errors: '<???>'${bad.join('')}`, 'configparser.ParsingError');
  return sections;
}

// ini: the value of each key (or of every key matching it with re=true) in the section.
const INI_OPTIONS = new Set(['file', 'section', 're', 'encoding', 'default', 'type', 'case_sensitive', 'allow_no_value', 'allow_none']);

export const iniLookup: TableLookup = (terms, kw, find, read) =>
  terms.flatMap((term) => {
    const written = String(term);
    if (written.includes('=') || written.trim().includes(' ')) {
      const parsed = parseKv(written, false);
      for (const name of Object.keys(parsed)) if (name !== '_raw_params' && !INI_OPTIONS.has(name)) throw new LookupFailure(`${name} is not a valid option.`);
      if (parsed['_raw_params'] === undefined) throw new LookupOptionsError(`No key to lookup was provided as first term with in string inline options: ${written}`);
    }
    const { key, p } = params(term, kw);
    const type = String(p['type'] ?? 'ini');
    const file = String(p['file'] ?? 'ansible.ini');
    const path = find(file);
    if (!path) throw new Error(`file not found: ${file}`);
    const caseSensitive = isAnsibleTrue(p['case_sensitive']);
    const body = read(path, p['encoding'] === undefined ? undefined : String(p['encoding']));
    const text = type === 'properties' ? `[java_properties]\n${body}` : body;
    const section = type === 'properties' ? 'java_properties' : String(p['section'] ?? 'global');
    const opts = parseIni(text, caseSensitive, isAnsibleTrue(p['allow_no_value'] ?? p['allow_none']), file);
    const sec = opts.get(section);
    if (!sec) throw new LookupFailure(`No section '${section}' in ${file}`);
    if (isAnsibleTrue(p['re'])) {
      const re = compilePyRe(key);
      return [...sec.entries()].filter(([k]) => re.test(k)).map(([, v]) => v);
    }
    const k = caseSensitive ? key : key.toLowerCase();
    // an option without a value (allow_no_value) is None, which the lookup leaves out
    const v = sec.has(k) ? sec.get(k) : (p['default'] ?? '');
    return v === null || v === undefined ? [] : [v];
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
