// Splits a shell line the way /bin/sh reads it, far enough to see which commands it runs: the
// simple commands between `;`, `&&`, `||`, `|`, `&`, newlines, parentheses and braces, with quotes
// and escapes removed, and the text of every `$(...)` and backquote substitution (read again as a
// line of its own). Not an interpreter: variables stay as written.

/** one simple command: its words, quotes removed */
export type SimpleCommand = string[];

const MAX_DEPTH = 8;
const MAX_LENGTH = 200_000;

// The simple commands of a shell line, substitutions included (bounded in size and depth).
export function simpleCommands(line: string, depth = 0): SimpleCommand[] {
  if (depth > MAX_DEPTH) return [];
  const out: SimpleCommand[] = [];
  const subs: string[] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  const text = line.length > MAX_LENGTH ? line.slice(0, MAX_LENGTH) : line;
  const endWord = () => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  const endCommand = () => {
    endWord();
    if (words.length > 0) out.push(words);
    words = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '\\') {
      if (text[i + 1] === '\n') i++;
      else if (i + 1 < text.length) {
        word += text[++i];
        inWord = true;
      }
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      const stop = end < 0 ? text.length : end;
      word += text.slice(i + 1, stop);
      inWord = true;
      i = stop;
    } else if (c === '"') {
      i = readDouble(text, i + 1, (s) => (word += s), subs);
      inWord = true;
    } else if (c === '$' && text[i + 1] === '(') {
      const end = matchParen(text, i + 2);
      subs.push(text.slice(i + 2, end));
      word += text.slice(i, end + 1);
      inWord = true;
      i = end;
    } else if (c === '`') {
      const end = text.indexOf('`', i + 1);
      const stop = end < 0 ? text.length : end;
      subs.push(text.slice(i + 1, stop));
      word += text.slice(i, stop + 1);
      inWord = true;
      i = stop;
    } else if (c === '#' && !inWord) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl - 1;
    } else if (';&|\n()'.includes(c)) {
      endCommand();
    } else if ((c === '{' || c === '}') && !inWord && /[\s;]|$/.test(text[i + 1] ?? '')) {
      endCommand();
    } else if (c === '<' || c === '>') {
      if (/^\d+$/.test(word)) inWord = false; // 2>&1: the descriptor is not a word
      endWord();
      // a redirection's target word is not part of the command
      while (text[i + 1] === '>' || text[i + 1] === '&' || text[i + 1] === '|') i++;
      while (text[i + 1] === ' ' || text[i + 1] === '\t') i++;
      while (i + 1 < text.length && !/[\s;&|()<>]/.test(text[i + 1] as string)) i++;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      endWord();
    } else {
      word += c;
      inWord = true;
    }
  }
  endCommand();
  for (const s of subs) out.push(...simpleCommands(s, depth + 1));
  return out;
}

// Reads a double-quoted string from `start`; returns the index of its closing quote.
function readDouble(text: string, start: number, add: (s: string) => void, subs: string[]): number {
  let i = start;
  for (; i < text.length && text[i] !== '"'; i++) {
    const c = text[i] as string;
    if (c === '\\' && i + 1 < text.length && '$`"\\\n'.includes(text[i + 1] as string)) add(text[++i] as string);
    else if (c === '$' && text[i + 1] === '(') {
      const end = matchParen(text, i + 2);
      subs.push(text.slice(i + 2, end));
      add(text.slice(i, end + 1));
      i = end;
    } else if (c === '`') {
      const end = text.indexOf('`', i + 1);
      const stop = end < 0 ? text.length : end;
      subs.push(text.slice(i + 1, stop));
      add(text.slice(i, stop + 1));
      i = stop;
    } else add(c);
  }
  return i;
}

// The index of the parenthesis closing one opened just before `start` (quotes respected).
function matchParen(text: string, start: number): number {
  let depth = 1;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      i = end < 0 ? text.length : end;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return text.length;
}
