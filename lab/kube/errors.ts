// Kubernetes API errors as the apiserver reports them: a metav1.Status with reason and code.
import type { ResourceDef } from './resources.js';
import { qualifiedName } from './resources.js';

// A metav1.Status reason string, as sent by the real apiserver.
export type StatusReason =
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Invalid'
  | 'BadRequest'
  | 'MethodNotAllowed'
  | 'TooManyRequests'
  | 'InternalError'
  | 'Unauthorized'
  | 'Forbidden'
  | 'Expired'
  | 'UnsupportedMediaType'
  | 'RequestEntityTooLarge';

// One entry of Status.details.causes (`reason` is the CauseType).
export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

// Status.details: which object the error is about, and why.
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
}

// A metav1.Status object.
export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code: number;
}

// An error that the REST layer turns into a Status response with the same code.
export class KubeStatusError extends Error {
  readonly code: number;
  readonly reason: StatusReason;
  readonly details: StatusDetails | undefined;
  constructor(code: number, reason: StatusReason, message: string, details?: StatusDetails) {
    super(message);
    this.name = 'KubeStatusError';
    this.code = code;
    this.reason = reason;
    this.details = details;
  }
  // The Status object to send over the wire.
  toStatus(): KubeStatus {
    const s: KubeStatus = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, reason: this.reason, code: this.code };
    if (this.details) s.details = this.details;
    return s;
  }
}

function about(def: ResourceDef, name: string): StatusDetails {
  const d: StatusDetails = { name, kind: def.name };
  if (def.group) d.group = def.group;
  return d;
}

// 404 `pods "x" not found`.
export function notFound(def: ResourceDef, name: string): KubeStatusError {
  return new KubeStatusError(404, 'NotFound', `${qualifiedName(def)} "${name}" not found`, about(def, name));
}

// 409 `pods "x" already exists`.
export function alreadyExists(def: ResourceDef, name: string): KubeStatusError {
  return new KubeStatusError(409, 'AlreadyExists', `${qualifiedName(def)} "${name}" already exists`, about(def, name));
}

// 409 optimistic-concurrency conflict (stale resourceVersion or failed precondition).
export function conflict(def: ResourceDef, name: string, why = 'the object has been modified; please apply your changes to the latest version and try again'): KubeStatusError {
  return new KubeStatusError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedName(def)} "${name}": ${why}`, about(def, name));
}

// 422 `Pod "x" is invalid: field: problem`.
export function invalid(def: ResourceDef, name: string, field: string, problem: string): KubeStatusError {
  const details = { ...about(def, name), kind: def.kind, causes: [{ reason: 'FieldValueInvalid', message: problem, field }] };
  return new KubeStatusError(422, 'Invalid', `${def.kind} "${name}" is invalid: ${field}: ${problem}`, details);
}

// 400 with a free-form message.
export function badRequest(message: string): KubeStatusError {
  return new KubeStatusError(400, 'BadRequest', message);
}

// 405 for a verb the resource does not support.
export function methodNotAllowed(): KubeStatusError {
  return new KubeStatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
}

// 500 `Internal error occurred: ...`, with the cause repeated in details like the apiserver does.
export function internalError(message: string): KubeStatusError {
  return new KubeStatusError(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
}
