// The recorded host of the cluster module tests, plus `put` (logged as `put: DEST <bytes>`, the
// content kept) for modules that write files, and YAML fixtures (block scalars keep recorded
// command outputs readable).
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { recordedHost, type ModuleCase, type RecordedHost } from '../cluster/recorded-host.js';

export interface PuttingHost extends RecordedHost {
  files: Map<string, string>;
}

// A recorded host whose `put` succeeds and is logged.
export function puttingHost(probe: ModuleCase['probe'], apply: ModuleCase['apply']): PuttingHost {
  const host = recordedHost(probe, apply) as PuttingHost;
  host.files = new Map();
  host.put = async (data, dest) => {
    host.log.push(`put: ${dest} ${Buffer.byteLength(data)}`);
    host.files.set(dest, data.toString());
  };
  return host;
}

// Loads a YAML list of cases.
export function loadYamlCases(url: URL): ModuleCase[] {
  return parse(readFileSync(url, 'utf8')) as ModuleCase[];
}
