// Python tuples in JS: arrays marked as tuples (the mark changes repr only: "(1, 2)").

const tuples = new WeakSet<unknown[]>();

// Marks an array as a Python tuple.
export function makeTuple<T>(items: T[]): T[] {
  tuples.add(items);
  return items;
}

// True when the array was created as a tuple.
export function isTuple(v: unknown): boolean {
  return Array.isArray(v) && tuples.has(v);
}
