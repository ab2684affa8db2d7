// The conformance corpus, part 1 of 3 (every third case; see corpus.ts).
import { corpusSuite } from './corpus.js';

corpusSuite(1, 3);
