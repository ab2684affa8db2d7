// The conformance corpus, part 3 of 3 (every third case; see corpus.ts).
import { corpusSuite } from './corpus.js';

corpusSuite(3, 3);
