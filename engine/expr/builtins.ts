// Registers the built-in filters, tests and globals (imported for its side effects).
import './filters-core.js';
import './filters-strings.js';
import './filters-lists.js';
import './filters-data.js';
import './filters-regex.js';
import './filters-time.js';
import './strptime.js';
import './from-yaml.js';
import './pyrandom.js';
import './filters-text.js';
import './filters-net.js';
import './filters-query.js';
import './tests.js';
import './globals.js';
