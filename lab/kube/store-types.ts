// Option and record types of the simulator's store.
import type { KubeObject } from './types.js';

// Options of a store: whether the built-in controllers run, and how fast simulated time passes.
export interface KubeStoreOptions {
  controllers?: boolean;
  // Multiplier for simulated waits such as pod termination grace periods (1 = real time; 0 = deletions are immediate).
  timeScale?: number;
  // How many past events a watch can resume from.
  historySize?: number;
}

// DeleteOptions, plus why the store deletes (garbage-collected dependents are not replaced).
export interface DeleteOptions {
  gracePeriodSeconds?: number | undefined;
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan' | undefined;
  preconditions?: { uid?: string; resourceVersion?: string } | undefined;
  cause?: 'user' | 'gc';
  // Decide and answer as for a real deletion, changing nothing (dryRun=All).
  dryRun?: boolean;
}

// Which part of an object an update may change ('main' keeps status, 'status' keeps the rest).
export type UpdateScope = 'all' | 'main' | 'status';

// A pod that started terminating or disappeared, queued for the replica controllers.
export interface GonePod {
  pod: KubeObject;
  final: boolean;
}
