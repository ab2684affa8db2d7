// A small PyYAML-style emitter for to_yaml / to_nice_yaml (yaml.dump with AnsibleDumper):
// sorted keys, flow style for collections of scalars unless default_flow_style=False,
// PyYAML's indentation (`-   key: v` at indent 4, indentless lists under keys), scalar style
// choice (plain, 'single', "double") and line wrapping at 80 columns.
import { ExprRuntimeError } from './errors.js';
import { Undefined } from './undefined.js';
import { isMapping, pyTypeName } from './python-values.js';
import { formatNumber } from '../py/repr.js';
import { PyFloat, floatRepr } from '../py/float.js';
import { PyDateTime } from './pydatetime.js';

export interface YamlOptions {
  indent: number;
  /** null: flow style only for collections whose items are all scalars (PyYAML's default) */
  flow: boolean | null;
}

const RESOLVES = [
  /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  /^(?:~|null|Null|NULL|<<|=|)$/,
  /^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$/,
];
const BREAKS = '\n\x85\u2028\u2029';
const SPECIAL = /[^\n\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]|\ufeff/u;

type Style = 'plain' | 'single' | 'double';

// PyYAML's analyze_scalar + choose_scalar_style for a string.
function chooseStyle(s: string, flow: boolean, simpleKey: boolean): Style {
  const multiline = [...s].some((c) => BREAKS.includes(c));
  const special = SPECIAL.test(s);
  const spaceBreak = / [\n\x85\u2028\u2029]/.test(s);
  const breakSpace = /[\n\x85\u2028\u2029] /.test(s);
  let plain = !multiline && !special && !RESOLVES.some((r) => r.test(s)) && !/^\s|\s$/.test(s);
  if (s.startsWith('---') || s.startsWith('...')) plain = false;
  const ws = (i: number): boolean => i >= s.length || ' \t\r\n\x85\u2028\u2029\0'.includes(s[i] as string);
  for (let i = 0; plain && i < s.length; i++) {
    const c = s[i] as string;
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(c) || ((c === '?' || c === ':') && (flow || ws(1))) || (c === '-' && ws(1))) plain = false;
    } else if ((flow && ',?[]{}'.includes(c)) || (c === ':' && (flow || ws(i + 1))) || (c === '#' && ws(i - 1))) {
      plain = false;
    }
  }
  if (plain && !(simpleKey && (s === '' || multiline))) return 'plain';
  if (!spaceBreak && !special && !breakSpace && !(simpleKey && multiline)) return 'single';
  return 'double';
}

class Emitter {
  out = '';
  column = 0;
  indent = 0;
  whitespace = true;
  indention = true;
  constructor(readonly best: number, readonly flowMode: boolean | null) {}

  write(s: string): void {
    this.out += s;
    this.column += s.length;
  }
  lineBreak(): void {
    this.out += '\n';
    this.column = 0;
    this.whitespace = true;
    this.indention = true;
  }
  writeIndent(): void {
    if (!this.indention || this.column > this.indent || (this.column === this.indent && !this.whitespace)) this.lineBreak();
    if (this.column < this.indent) {
      this.whitespace = true;
      this.write(' '.repeat(this.indent - this.column));
    }
  }
  indicator(ind: string, needSpace: boolean, whitespace = false, indention = false): void {
    this.write(this.whitespace || !needSpace ? ind : ' ' + ind);
    this.whitespace = whitespace;
    this.indention = this.indention && indention;
  }

  scalar(v: unknown, flowLevel: number, simpleKey: boolean): void {
    const saved = this.indent;
    this.indent += this.best;
    const text = scalarText(v);
    if (v instanceof PyDateTime) {
      // a timestamp: plain where allowed, else quoted with the non-specific tag '!'
      const iso = v.isoformat(' ');
      if (v.dateOnly || flowLevel === 0) this.plain(iso);
      else {
        this.indicator('!', true);
        this.single(iso);
      }
    } else if (text !== null) this.plain(text);
    else {
      const s = v as string;
      const style = chooseStyle(s, flowLevel > 0, simpleKey);
      if (style === 'plain') this.plain(s);
      else if (style === 'single') this.single(s);
      else {
        this.indicator(doubleQuoted(s), true);
      }
    }
    this.indent = saved;
  }
  plain(text: string): void {
    if (!text) return;
    if (!this.whitespace) this.write(' ');
    this.whitespace = false;
    this.indention = false;
    const words = text.split(/(?<= )(?! )|(?<! )(?= )/);
    for (const w of words) {
      if (w === ' ' && this.column > 80) {
        this.writeIndent();
        this.whitespace = false;
        this.indention = false;
      } else this.write(w);
    }
  }
  single(text: string): void {
    this.indicator("'", true);
    let i = 0;
    while (i < text.length) {
      const c = text[i] as string;
      if (BREAKS.includes(c)) {
        let j = i;
        while (j < text.length && BREAKS.includes(text[j] as string)) j++;
        if (c === '\n') this.lineBreak();
        for (let k = i; k < j; k++) this.lineBreak();
        this.writeIndent();
        i = j;
      } else if (c === ' ') {
        let j = i;
        while (j < text.length && text[j] === ' ') j++;
        if (j === i + 1 && this.column > 80 && i !== 0 && j !== text.length) this.writeIndent();
        else this.write(text.slice(i, j));
        i = j;
      } else {
        const m = /^[^ '\n\x85\u2028\u2029]+/.exec(text.slice(i));
        const word = m ? m[0] : c;
        this.write(word === "'" ? "''" : word);
        i += word.length;
      }
    }
    this.indicator("'", false);
  }

  node(v: unknown, ctx: { flowLevel: number; mapping: boolean; simpleKey?: boolean }): void {
    if (!Array.isArray(v) && !isMapping(v)) return this.scalar(v, ctx.flowLevel, ctx.simpleKey ?? false);
    const items = Array.isArray(v) ? v : Object.values(v);
    const flow = ctx.flowLevel > 0 || items.length === 0 || (this.flowMode ?? items.every((x) => !Array.isArray(x) && !isMapping(x)));
    if (flow) return this.flowCollection(v, ctx.flowLevel);
    const saved = this.indent;
    if (Array.isArray(v)) {
      const indentless = ctx.mapping && !this.indention;
      if (!indentless && this.out !== '') this.indent += this.best;
      for (const item of v) {
        this.writeIndent();
        this.indicator('-', true, false, true);
        this.node(item, { flowLevel: 0, mapping: false });
      }
    } else {
      if (this.out !== '') this.indent += this.best;
      for (const k of Object.keys(v).sort()) {
        this.writeIndent();
        this.scalar(k, 0, true);
        this.indicator(':', false);
        this.node(v[k], { flowLevel: 0, mapping: true });
      }
    }
    this.indent = saved;
  }
  flowCollection(v: unknown[] | Record<string, unknown>, flowLevel: number): void {
    const isSeq = Array.isArray(v);
    this.indicator(isSeq ? '[' : '{', true, true);
    const saved = this.indent;
    this.indent += this.best;
    const keys = isSeq ? v.map((_, i) => i) : Object.keys(v).sort();
    keys.forEach((k, i) => {
      if (i > 0) this.indicator(',', false);
      if (this.column > 80) this.writeIndent();
      if (isSeq) this.node((v as unknown[])[k as number], { flowLevel: flowLevel + 1, mapping: false });
      else {
        this.scalar(k, flowLevel + 1, true);
        this.indicator(':', false);
        this.node((v as Record<string, unknown>)[k as string], { flowLevel: flowLevel + 1, mapping: true });
      }
    });
    this.indent = saved;
    this.indicator(isSeq ? ']' : '}', false);
  }
}

function scalarText(v: unknown): string | null {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number' || v instanceof PyFloat) {
    const n = Number(v);
    if (Number.isNaN(n)) return '.nan';
    if (!Number.isFinite(n)) return n > 0 ? '.inf' : '-.inf';
    const t = v instanceof PyFloat ? floatRepr(n) : formatNumber(n);
    return t.includes('e') && !t.includes('.') ? t.replace('e', '.0e') : t;
  }
  if (v instanceof Undefined) v.fail();
  if (v instanceof PyDateTime) return v.isoformat(' ');
  if (typeof v !== 'string') throw new ExprRuntimeError(`cannot represent an object: ${pyTypeName(v)}`);
  return null;
}

function doubleQuoted(s: string): string {
  const esc: Record<string, string> = { '\0': '0', '\x07': 'a', '\b': 'b', '\t': 't', '\n': 'n', '\v': 'v', '\f': 'f', '\r': 'r', '\x1b': 'e', '"': '"', '\\': '\\', '\x85': 'N', '\xa0': '_', '\u2028': 'L', '\u2029': 'P' };
  let out = '"';
  for (const c of s) {
    const e = esc[c];
    const code = c.codePointAt(0) ?? 0;
    if (e !== undefined) out += `\\${e}`;
    else if (code < 0x20 || (code >= 0x7f && code < 0xa0)) out += `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`;
    else if (code === 0xfeff) out += '\\uFEFF';
    else out += c;
  }
  return out + '"';
}

// yaml.dump(value, Dumper=AnsibleDumper, ...) as Ansible's to_yaml / to_nice_yaml produce it.
export function yamlDump(v: unknown, opts: YamlOptions): string {
  const e = new Emitter(opts.indent, opts.flow);
  e.node(v, { flowLevel: 0, mapping: false });
  return e.out + '\n';
}
