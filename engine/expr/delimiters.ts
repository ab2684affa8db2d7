// Templates written with other delimiters (the template lookup's variable_start_string and
// friends) turned into the standard ones: their tags become {{ }} / {# #} / {% %}, and standard
// markers in their plain text are escaped so they print as written.
export interface Delimiters {
  variable?: [string, string];
  comment?: [string, string];
  block?: [string, string];
}

/** Jinja's own delimiters */
export const STANDARD_DELIMITERS: Required<Delimiters> = { variable: ['{{', '}}'], comment: ['{#', '#}'], block: ['{%', '%}'] };

// Plain text with every '{' that would open a standard tag printed through an expression.
function escapeText(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    out += c === '{' && /[{%#]/.test(text[i + 1] ?? '') ? `{{ '{' }}` : c;
  }
  return out;
}

export function withStandardDelimiters(src: string, d: Delimiters): string {
  const kinds = (Object.keys(STANDARD_DELIMITERS) as (keyof Delimiters)[]).map((k) => ({ k, open: (d[k] ?? STANDARD_DELIMITERS[k])[0], close: (d[k] ?? STANDARD_DELIMITERS[k])[1] }));
  let out = '';
  let pos = 0;
  while (pos < src.length) {
    let best: { k: keyof Delimiters; open: string; close: string; at: number } | undefined;
    for (const kind of kinds) {
      const at = src.indexOf(kind.open, pos);
      if (at >= 0 && (!best || at < best.at || (at === best.at && kind.open.length > best.open.length))) best = { ...kind, at };
    }
    if (!best) break;
    const end = src.indexOf(best.close, best.at + best.open.length);
    if (end < 0) break;
    out += escapeText(src.slice(pos, best.at));
    const [open, close] = STANDARD_DELIMITERS[best.k];
    out += open + src.slice(best.at + best.open.length, end) + close;
    pos = end + best.close.length;
  }
  return out + escapeText(src.slice(pos));
}
