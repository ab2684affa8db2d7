// Python's shlex.split(s, comments, posix): the word splitter Ansible uses for INI inventory
// lines (comments=True), command/script arguments and ssh argument strings (comments=False).

export interface ShlexOptions {
  /** POSIX mode (default, as shlex.split): quotes are removed, `\` escapes */
  posix?: boolean;
  /** `#` starts a comment up to the end of the line (default false, as shlex.split) */
  comments?: boolean;
}

export interface ShlexToken {
  value: string;
  /** offset of the token's first character (quote or backslash included) in the text */
  start: number;
}

/** Python's ValueError from shlex: 'No closing quotation' or 'No escaped character' */
export class ShlexError extends Error {}

const WHITESPACE = ' \t\r\n';
const QUOTES = `'"`;

type State = ' ' | 'a' | "'" | '"' | '\\';

// Splits like shlex.split (whitespace_split=True): the words and where each starts.
export function shlexTokens(s: string, opts: ShlexOptions = {}): ShlexToken[] {
  const posix = opts.posix ?? true;
  const comments = opts.comments ?? false;
  const tokens: ShlexToken[] = [];
  let state: State = ' ';
  let escaped = ' ' as State;
  let token = '';
  let quoted = false;
  let start = 0;
  const emit = (): void => {
    if (token !== '' || (posix && quoted)) tokens.push({ value: token, start });
    token = '';
    quoted = false;
  };
  const skipLine = (i: number): number => {
    const nl = s.indexOf('\n', i);
    return nl < 0 ? s.length : nl;
  };
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (state === ' ' || state === 'a') {
      if (WHITESPACE.includes(c)) {
        if (state === 'a') emit();
        state = ' ';
      } else if (comments && c === '#') {
        i = skipLine(i);
        // in non-POSIX mode a comment inside a word does not end the word
        if (state === 'a' && posix) {
          emit();
          state = ' ';
        }
      } else {
        if (state === ' ') start = i;
        if (posix && c === '\\') {
          escaped = 'a';
          state = '\\';
        } else if (QUOTES.includes(c) && (posix || state === ' ')) {
          if (!posix) token = c;
          state = c as State;
        } else {
          token += c;
          state = 'a';
        }
      }
    } else if (state === '\\') {
      // in POSIX double quotes only the quote itself and the backslash can be escaped
      if (escaped === '"' && c !== '"' && c !== '\\') token += '\\';
      token += c;
      state = escaped;
    } else {
      quoted = true;
      if (c === state) {
        if (posix) state = 'a';
        else {
          token += c;
          state = ' ';
          emit();
        }
      } else if (posix && c === '\\' && state === '"') {
        escaped = state;
        state = '\\';
      } else token += c;
    }
  }
  if (state === "'" || state === '"') throw new ShlexError('No closing quotation');
  if (state === '\\') throw new ShlexError('No escaped character');
  if (state === 'a') emit();
  return tokens;
}

// Python's shlex.split(s, comments, posix): the words.
export function shlexSplit(s: string, opts: ShlexOptions = {}): string[] {
  return shlexTokens(s, opts).map((t) => t.value);
}
