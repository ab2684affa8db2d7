// Parses the small subset of POSIX sh (dash) that the in-process dispatch runs without a shell:
// words with '…', "…", \x quoting and $$ (and `[` as a word of its own); `;`, newlines, `&&`, `||`,
// `{ …; }`, `if …; then …; [else …;] fi`, the redirections [1|2]>&[1|2] and [1|2]>/dev/null, and
// pipelines `CMD | REST` whose REST (kept as text, for a real shell) is plain words and further
// pipes. Anything else (other expansions, globs, other redirections, comments, other compound
// commands) throws Unsupported and the command goes to a real shell.

// Thrown for anything outside the subset (including what would be a syntax error in sh).
export class Unsupported extends Error {}

// Where an output file descriptor goes: the channel's stdout (1), stderr (2), or /dev/null.
export type Sink = 1 | 2 | 'null';

// One redirection: file descriptor 1 or 2 now goes where `to` says.
export interface Redirect {
  fd: 1 | 2;
  to: Sink;
}

// A simple command: NAME=VALUE prefixes, the expanded words, its redirections (in order).
export interface SimpleCommand {
  kind: 'simple';
  assigns: [string, string][];
  words: string[];
  redirects: Redirect[];
}

// `CMD | REST`: the simple command's output is what the real shell running REST reads.
export interface PipeCommand {
  kind: 'pipe';
  first: SimpleCommand;
  rest: string;
}

// A `{ …; }` group run in the current shell.
export interface GroupCommand {
  kind: 'group';
  body: Script;
  redirects: Redirect[];
}

// `if COND; then THEN; [else OTHERWISE;] fi`.
export interface IfCommand {
  kind: 'if';
  cond: Script;
  then: Script;
  otherwise?: Script;
}

export type Command = SimpleCommand | GroupCommand | PipeCommand | IfCommand;

// `a && b || c`: the first command, then each operator with its command.
export interface AndOr {
  first: Command;
  rest: { op: '&&' | '||'; cmd: Command }[];
}

// A list of and-or lists, run one after the other.
export type Script = AndOr[];

type Token =
  | { t: 'word'; v: string; plain: boolean; name?: string }
  | { t: 'op'; v: ';' | '\n' | '&&' | '||' }
  | { t: 'pipe'; rest: string }
  | { t: 'redir'; fd: number; op: string; target: string };

const BREAK = new Set([' ', '\t', '\n', ';', '&', '|', '<', '>', '(', ')']);
const RESERVED = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'case', 'esac', 'while', 'until', 'for', 'in', '!', '}', 'function', 'select', '[[', ']]']);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const unsupported = (why: string): never => {
  throw new Unsupported(why);
};

// Reads one word from s at i; `$$` expands to pid. Returns the word and the index after it.
function readWord(s: string, i: number, pid: number): { tok: Token & { t: 'word' }; end: number } {
  let v = '';
  let plain = true;
  // The length of the leading part that is literal and unquoted (for NAME=VALUE detection).
  let literal = -1;
  const quoted = () => {
    if (literal < 0) literal = v.length;
    plain = false;
  };
  while (i < s.length && !BREAK.has(s[i] as string)) {
    const c = s[i] as string;
    if (c === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) unsupported('unterminated quote');
      quoted();
      v += s.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      quoted();
      for (i++; ; i++) {
        const d = s[i];
        if (d === undefined) unsupported('unterminated quote');
        if (d === '"') break;
        if (d === '`') unsupported('command substitution');
        if (d === '$') {
          if (s[i + 1] !== '$') unsupported('parameter expansion');
          v += String(pid);
          i++;
        } else if (d === '\\') {
          const e = s[i + 1];
          if (e === undefined || e === '\n') unsupported('line continuation');
          if (e === '$' || e === '`' || e === '"' || e === '\\') v += e;
          else v += `\\${e}`;
          i++;
        } else v += d;
      }
      i++;
    } else if (c === '\\') {
      const e = s[i + 1];
      if (e === undefined || e === '\n') unsupported('line continuation');
      quoted();
      v += e;
      i += 2;
    } else if (c === '$') {
      if (s[i + 1] !== '$') unsupported('parameter expansion');
      quoted();
      v += String(pid);
      i += 2;
    } else if (c === '[' && v === '' && literal < 0 && (i + 1 >= s.length || BREAK.has(s[i + 1] as string))) {
      // `[` alone is the test builtin's name, not a glob
      v = '[';
      i++;
    } else if ('`*?[~'.includes(c)) {
      unsupported(`unquoted ${c}`);
    } else {
      v += c;
      i++;
    }
  }
  const head = literal < 0 ? v : v.slice(0, literal);
  const eq = head.indexOf('=');
  const name = eq > 0 && NAME.test(head.slice(0, eq)) ? head.slice(0, eq) : undefined;
  return { tok: { t: 'word', v, plain, ...(name ? { name } : {}) }, end: i };
}

// The text of a pipeline's later commands, from i (just after the first `|`) to the end of the
// pipeline: quoted text and plain words, spaces and further single pipes. Whatever would make its
// end uncertain or touch this shell (substitutions, `$$`, groups, subshells, redirections,
// comments, background jobs) is Unsupported. Returns the text and the index after it.
function readPipeRest(s: string, i: number): { rest: string; end: number } {
  const start = i;
  let words = 0;
  let inWord = false;
  while (i < s.length) {
    const c = s[i] as string;
    if (c === '\n' || c === ';' || s.startsWith('&&', i) || s.startsWith('||', i)) break;
    if (c === ' ' || c === '\t') {
      inWord = false;
      i++;
      continue;
    }
    if (c === '|') {
      if (!inWord && words === 0) unsupported('an empty pipeline stage');
      words = 0;
      inWord = false;
      i++;
      continue;
    }
    if (!inWord) words++;
    inWord = true;
    if (c === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) unsupported('unterminated quote');
      i = end + 1;
    } else if (c === '"') {
      for (i++; s[i] !== '"'; i++) {
        const d = s[i];
        if (d === undefined) unsupported('unterminated quote');
        if (d === '`' || (d === '$' && (s[i + 1] === '(' || s[i + 1] === '$'))) unsupported('substitution in a pipeline');
        if (d === '\\') i++;
      }
      i++;
    } else if (c === '\\') {
      if (s[i + 1] === undefined || s[i + 1] === '\n') unsupported('line continuation');
      i += 2;
    } else if ('&<>()`{}#'.includes(c) || (c === '$' && (s[i + 1] === '(' || s[i + 1] === '$'))) {
      unsupported(`${c} in a pipeline`);
    } else i++;
  }
  if (words === 0) unsupported('an empty pipeline stage');
  return { rest: s.slice(start, i).trim(), end: i };
}

// Splits a script into words, operators, redirections and pipelines' later commands.
function tokenize(s: string, pid: number): Token[] {
  const toks: Token[] = [];
  const redirect = (fd: number, i: number): number => {
    let op = '>';
    if (s[i + 1] === '&' || s[i + 1] === '>' || s[i + 1] === '|') op += s[i + 1];
    i += op.length;
    while (s[i] === ' ' || s[i] === '\t') i++;
    if (i >= s.length || BREAK.has(s[i] as string) || s[i] === '#') unsupported('redirection without a target');
    const w = readWord(s, i, pid);
    toks.push({ t: 'redir', fd, op, target: w.tok.v });
    return w.end;
  };
  let i = 0;
  while (i < s.length) {
    const c = s[i] as string;
    const two = s.slice(i, i + 2);
    if (c === ' ' || c === '\t') i++;
    else if (c === '\n' || c === ';') {
      if (two === ';;') unsupported('case');
      toks.push({ t: 'op', v: c });
      i++;
    } else if (two === '&&' || two === '||') {
      toks.push({ t: 'op', v: two });
      i += 2;
    } else if (c === '>') i = redirect(1, i);
    else if (c === '|') {
      const p = readPipeRest(s, i + 1);
      toks.push({ t: 'pipe', rest: p.rest });
      i = p.end;
    } else if ('&<()#'.includes(c)) unsupported(`operator ${c}`);
    else {
      const w = readWord(s, i, pid);
      if (w.tok.plain && /^\d+$/.test(w.tok.v) && s[w.end] === '>') i = redirect(Number(w.tok.v), w.end);
      else {
        toks.push(w.tok);
        i = w.end;
      }
    }
  }
  return toks;
}

function checkRedirect(r: Token & { t: 'redir' }): Redirect {
  if (r.fd !== 1 && r.fd !== 2) unsupported(`redirection of fd ${r.fd}`);
  const fd = r.fd as 1 | 2;
  if (r.op === '>&' && (r.target === '1' || r.target === '2')) return { fd, to: Number(r.target) as 1 | 2 };
  if (r.op !== '>&' && r.target === '/dev/null') return { fd, to: 'null' };
  return unsupported(`redirection ${r.op}${r.target}`);
}

// A recursive-descent parser over the tokens.
class Parser {
  private i = 0;
  constructor(private readonly toks: Token[]) {}

  private peek(): Token | undefined {
    return this.toks[this.i];
  }

  private isWord(tok: Token | undefined, v: string): boolean {
    return tok?.t === 'word' && tok.plain && tok.v === v;
  }

  script(): Script {
    const list = this.list([]);
    if (this.i < this.toks.length) unsupported('unexpected token');
    return list;
  }

  // Commands up to the end or a reserved word of `until` at a command's place.
  private list(until: string[]): Script {
    const items: Script = [];
    for (;;) {
      while (this.peek()?.t === 'op' && (this.peek() as { v: string }).v === '\n') this.i++;
      const tok = this.peek();
      if (!tok || until.some((w) => this.isWord(tok, w))) return items;
      items.push(this.andOr());
      const sep = this.peek();
      if (!sep) return items;
      if (sep.t === 'op' && (sep.v === ';' || sep.v === '\n')) this.i++;
      else unsupported('unexpected token after a command');
    }
  }

  private andOr(): AndOr {
    const first = this.command();
    const rest: AndOr['rest'] = [];
    for (let tok = this.peek(); tok?.t === 'op' && (tok.v === '&&' || tok.v === '||'); tok = this.peek()) {
      this.i++;
      while (this.peek()?.t === 'op' && (this.peek() as { v: string }).v === '\n') this.i++;
      rest.push({ op: tok.v, cmd: this.command() });
    }
    return { first, rest };
  }

  // After `if`: the condition, `then` and its commands, an optional `else` and its commands, `fi`.
  private ifClause(): IfCommand {
    this.i++;
    const part = (until: string[]): Script => {
      const body = this.list(until);
      if (body.length === 0 || !until.some((w) => this.isWord(this.peek(), w))) unsupported('an if without its parts');
      return body;
    };
    const cond = part(['then']);
    this.i++;
    const then = part(['else', 'elif', 'fi']);
    let otherwise: Script | undefined;
    if (this.isWord(this.peek(), 'elif')) unsupported('elif');
    if (this.isWord(this.peek(), 'else')) {
      this.i++;
      otherwise = part(['fi']);
    }
    this.i++;
    const next = this.peek();
    if (next && next.t !== 'op') unsupported('redirection or pipe after fi');
    return { kind: 'if', cond, then, ...(otherwise ? { otherwise } : {}) };
  }

  private command(): Command {
    const tok = this.peek();
    if (!tok || tok.t === 'op' || tok.t === 'pipe') return unsupported('empty command');
    if (this.isWord(tok, '{')) {
      this.i++;
      const body = this.list(['}']);
      if (!this.isWord(this.peek(), '}') || body.length === 0) unsupported('unterminated group');
      this.i++;
      const redirects: Redirect[] = [];
      for (let r = this.peek(); r?.t === 'redir'; r = this.peek()) {
        redirects.push(checkRedirect(r));
        this.i++;
      }
      if (this.peek()?.t === 'pipe') unsupported('a group in a pipeline');
      return { kind: 'group', body, redirects };
    }
    if (this.isWord(tok, 'if')) return this.ifClause();
    if (tok.t === 'word' && tok.plain && RESERVED.has(tok.v)) unsupported(`reserved word ${tok.v}`);
    const cmd: SimpleCommand = { kind: 'simple', assigns: [], words: [], redirects: [] };
    for (let t = this.peek(); t && t.t !== 'op' && t.t !== 'pipe'; t = this.peek()) {
      this.i++;
      if (t.t === 'redir') cmd.redirects.push(checkRedirect(t));
      else if (cmd.words.length === 0 && t.name) cmd.assigns.push([t.name, t.v.slice(t.name.length + 1)]);
      else cmd.words.push(t.v);
    }
    if (cmd.words.length === 0) unsupported('a command without a name');
    const pipe = this.peek();
    if (pipe?.t === 'pipe') {
      this.i++;
      return { kind: 'pipe', first: cmd, rest: pipe.rest };
    }
    return cmd;
  }
}

// Parses a script of the subset, expanding $$ to pid; throws Unsupported for anything else.
export function parseScript(text: string, pid: number): Script {
  return new Parser(tokenize(text, pid)).script();
}
