// Tag selection exactly as ansible-core's Taggable.evaluate_tags: `always`, `never`,
// `tagged`, `untagged`, `all`, with inherited tags.

export interface TagFilter {
  only: string[];
  skip: string[];
}

// Whether a task with these (inherited, rendered) tags runs under --tags/--skip-tags.
export function shouldRun(taskTags: string[], f: TagFilter): boolean {
  const tags = new Set(taskTags.length > 0 ? taskTags : ['untagged']);
  const untaggedOnly = tags.size === 1 && tags.has('untagged');
  const only = f.only.length > 0 ? new Set(f.only) : new Set(['all']);
  const skip = new Set(f.skip);
  let run = false;
  if (tags.has('always')) run = true;
  else if (only.has('all') && !tags.has('never')) run = true;
  else if ([...tags].some((t) => only.has(t))) run = true;
  else if (only.has('tagged') && !untaggedOnly && !tags.has('never')) run = true;
  if (!run) return false;
  if (skip.size === 0) return true;
  if (skip.has('all')) return tags.has('always') && !skip.has('always');
  if ([...tags].some((t) => skip.has(t))) return false;
  if (skip.has('tagged') && !untaggedOnly) return false;
  return true;
}
