// Which handlers a notify name reaches (a pure query over the loaded play, shared by the
// validator's unknown-handler rule and the executor).
import type { Task } from './model.js';

// The handlers a notify name reaches: by name (last handler list wins, first within a
// list), plus every handler listening on the topic.
// `nameOf` gives a handler's name as notifications see it (rendered, when it is a template).
export function resolveHandlers(handlers: Task[], name: string, nameOf: (h: Task) => string | undefined = (h) => h.name): Task[] {
  const found: Task[] = [];
  const groups = new Map<unknown, Task[]>();
  for (const h of handlers) {
    const key = h.role ?? 'play';
    const list = groups.get(key) ?? [];
    list.push(h);
    groups.set(key, list);
  }
  const lists = [...groups.values()];
  for (let i = lists.length - 1; i >= 0; i--) {
    const hit = (lists[i] as Task[]).find((h) => {
      const n = nameOf(h);
      return n === name || (h.role && `${h.role.name} : ${n}` === name);
    });
    if (hit) {
      found.push(hit);
      break;
    }
  }
  for (const h of handlers) if (h.listen?.includes(name) && !found.includes(h)) found.push(h);
  return found;
}
