// meta.k8s.io/v1 Table responses for `kubectl get` (server-side printing).
import { PRINTERS, age, type Column } from './printers.js';
import type { ResourceDef } from './resources.js';
import type { KubeObject } from './types.js';

// What a row carries besides its cells: the whole object, its metadata only, or nothing.
export type IncludeObject = 'Object' | 'Metadata' | 'None';

// Whether the Accept header asks for a Table (kubectl get sends `application/json;as=Table;v=v1;g=meta.k8s.io, ...`).
export function wantsTable(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((part) => /;\s*as=Table/.test(part) && /;\s*g=meta\.k8s\.io/.test(part));
}

function rowObject(o: KubeObject, include: IncludeObject): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return o;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}

// The column definitions for a resource (Name first unless the printer has its own).
export function tableColumns(def: ResourceDef): Column[] {
  const p = PRINTERS[def.name];
  const name: Column = { name: 'Name', type: 'string', priority: 0, description: 'Name must be unique within a namespace.' };
  if (!p) return [name, { name: 'Age', type: 'string', priority: 0, description: 'CreationTimestamp of the object' }];
  return p.ownNameColumn ? p.columns : [name, ...p.columns];
}

// One row's cells.
export function tableCells(def: ResourceDef, o: KubeObject, now = Date.now()): unknown[] {
  const p = PRINTERS[def.name];
  if (!p) return [o.metadata.name ?? '', age(o.metadata.creationTimestamp, now)];
  const cells = p.cells(o, now);
  return p.ownNameColumn ? cells : [o.metadata.name ?? '', ...cells];
}

// A Table of objects; `rv` is the list's resourceVersion.
export function buildTable(def: ResourceDef, objs: KubeObject[], rv: string, include: IncludeObject = 'Metadata', withColumns = true): Record<string, unknown> {
  const now = Date.now();
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion: rv },
    ...(withColumns ? { columnDefinitions: tableColumns(def).map((c) => ({ ...c, format: c.name === 'Name' ? 'name' : '' })) } : { columnDefinitions: [] }),
    rows: objs.map((o) => {
      const obj = rowObject(o, include);
      return { cells: tableCells(def, o, now), ...(obj ? { object: obj } : {}) };
    }),
  };
}
