// --output json: one event per line (JSON Lines), with the field names of docs/OUTPUT.md.
import type { RunEvent } from '../run/events.js';

// Creates an event listener that writes JSON lines; results carry their full body with -v.
export function jsonReporter(write: (line: string) => void, verbosity = 0): (e: RunEvent) => void {
  return (e) => {
    if (e.type === 'result' || e.type === 'item' || e.type === 'retry') {
      const { result, ...rest } = e;
      write(JSON.stringify(verbosity > 0 ? { ...rest, result } : rest));
      return;
    }
    write(JSON.stringify(e));
  };
}
