// Tag selection (semantics doc §4, conformance g01/g02).
import { describe, expect, it } from 'vitest';
import { shouldRun } from '../../engine/plan/tags.js';

const TASKS: Record<string, string[]> = {
  untagged: [],
  a: ['a'],
  ab: ['a', 'b'],
  always: ['always'],
  never: ['never', 'never_t'],
  never_only: ['never'],
};

function selected(only: string[], skip: string[] = [], inherited: string[] = []): string[] {
  return Object.entries(TASKS).filter(([, t]) => shouldRun([...t, ...inherited], { only, skip })).map(([n]) => n);
}

describe('tag selection', () => {
  it('runs everything but never by default', () => expect(selected([])).toEqual(['untagged', 'a', 'ab', 'always']));
  it('--tags a', () => expect(selected(['a'])).toEqual(['a', 'ab', 'always']));
  it('--tags a --skip-tags b', () => expect(selected(['a'], ['b'])).toEqual(['a', 'always']));
  it('--tags never_t runs that never task', () => expect(selected(['never_t'])).toEqual(['always', 'never']));
  it('--tags never runs all never tasks', () => expect(selected(['never'])).toEqual(['always', 'never', 'never_only']));
  it('--tags tagged / untagged', () => {
    expect(selected(['tagged'])).toEqual(['a', 'ab', 'always']);
    expect(selected(['untagged'])).toEqual(['untagged', 'always']);
  });
  it('--skip-tags always / all', () => {
    expect(selected([], ['always'])).toEqual(['untagged', 'a', 'ab']);
    expect(selected([], ['all'])).toEqual(['always']);
    expect(selected([], ['all', 'always'])).toEqual([]);
  });
  it('an inherited play tag makes never tasks run when requested', () => {
    expect(selected(['play_t'], [], ['play_t'])).toEqual(['untagged', 'a', 'ab', 'always', 'never', 'never_only']);
  });
});
