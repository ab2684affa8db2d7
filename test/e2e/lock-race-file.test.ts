// The run lock as a file through the built CLI: two runs started in the same millisecond never both
// hold it, 50 rounds (one file per lock kind, so the two kinds race in parallel).
import { raceSuite } from './lock-space.js';

raceSuite('file');
