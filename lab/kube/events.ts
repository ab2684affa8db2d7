// core/v1 Event objects, as controllers and the scheduler record them.
import { randomBytes } from 'node:crypto';
import { nowTimestamp, type KubeObject } from './types.js';

// What an Event says about which object.
export interface EventInput {
  involved: KubeObject;
  reason: string;
  message: string;
  type?: 'Normal' | 'Warning';
  component?: string;
}

// A core/v1 Event about `involved`, named `<object>.<hex>` in the object's namespace (`default` for nodes).
export function buildEvent(input: EventInput): KubeObject {
  const o = input.involved;
  const now = nowTimestamp();
  const namespace = o.metadata.namespace ?? 'default';
  const component = input.component ?? 'tsplay-lab';
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${o.metadata.name ?? 'object'}.${randomBytes(8).toString('hex')}`, namespace },
    involvedObject: {
      apiVersion: o.apiVersion,
      kind: o.kind,
      name: o.metadata.name,
      ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
      uid: o.metadata.uid,
      resourceVersion: o.metadata.resourceVersion,
    },
    reason: input.reason,
    message: input.message,
    type: input.type ?? 'Normal',
    source: { component },
    reportingComponent: component,
    reportingInstance: '',
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
  };
}
