// Cuts a play's hosts into serial batches exactly like ansible-core (the entries are read by
// load/serial.ts).
import { serialEntries, serialEntrySize } from '../load/serial.js';

// Splits hosts into batches for the given serial setting.
export function makeBatches<T>(hosts: T[], serial: unknown): T[][] {
  const entries = serialEntries(serial);
  if (!entries || hosts.length === 0) return hosts.length ? [hosts] : [];
  const sizes = entries.map((e) => serialEntrySize(e, hosts.length));
  const batches: T[][] = [];
  let i = 0;
  let k = 0;
  while (i < hosts.length) {
    const size = sizes[Math.min(k, sizes.length - 1)] as number;
    const n = size <= 0 ? hosts.length - i : size;
    batches.push(hosts.slice(i, i + n));
    i += n;
    k++;
  }
  return batches;
}
