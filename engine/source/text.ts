// The text of every source file read so far (playbooks, task files, inventories), kept so a
// diagnostic's code frame can be printed later without reading the file again.
import { readFileSync, statSync } from 'node:fs';
import { limit } from '../shared/limits.js';

const texts = new Map<string, string>();

// Remembers the text a file was parsed from.
export function rememberSource(path: string, text: string): void {
  texts.set(path, text);
}

// The text of a file as it was read, or read now; undefined when it cannot be read.
export function sourceText(path: string): string | undefined {
  const hit = texts.get(path);
  if (hit !== undefined) return hit;
  try {
    const st = statSync(path);
    if (!st.isFile() || st.size > limit('fileBytes')) return undefined;
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

// Forgets every remembered text (a long-running process that reads many files, the fuzz tests).
export function forgetSourceTexts(): void {
  texts.clear();
}
