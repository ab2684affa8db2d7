// What `tsplay lab` needs to find, query and stop a running lab, without loading the simulation
// (the CLI's only import of the lab; startLab lives in index.ts for the daemon and the tests).
export { callControl, cleanupLab, labAlive, readState, stopLab, type LabState } from './state.js';
export { labPaths } from './paths.js';
export { formatBudget, formatIncident, formatStatus, type LabStatus } from './status-format.js';
export { formatDuration, MAX_ADVANCE_MS, parseDuration } from './duration.js';
export { FAULT_NAMES, type Incident } from './types.js';
