// The conformance corpus, part 2 of 3 (every third case; see corpus.ts).
import { corpusSuite } from './corpus.js';

corpusSuite(2, 3);
