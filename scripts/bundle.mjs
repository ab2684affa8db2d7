// Build step: bundles the compiled CLI (dist/engine/cli/app.js and everything it imports) into one
// CommonJS file, dist/tsplay.cjs, and records V8's code cache for it (dist/tsplay.cjs.cache).
// dist/engine/cli/main.js runs the bundle from that cache: a start then neither resolves and links
// some 400 ES modules nor compiles them (about 0.2 s of CPU per run instead of 0.5 s).
// Left out of the bundle, loaded from dist/ or node_modules when first used: the live view (ink and
// React are ES modules with top-level await) and the packages the code loads lazily by require.
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { createHash } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../', import.meta.url));
const dist = join(root, 'dist');
const out = join(dist, 'tsplay.cjs');

// The one top-level await in the engine: the precompiled validators, imported by computed path so
// that runs from source fall back to ajv. In the bundle they are a static import.
const AJV_TLA = 'const precompiled = await import(generatedPath).then((m) => m, () => null);';
const AJV_STATIC = "import * as generatedValidators from './validators.generated.js';\nconst precompiled = generatedValidators;";

// Each file's import.meta.url becomes its own URL in dist/, computed from the bundle's place.
const perFile = {
  name: 'tsplay-dist',
  setup(b) {
    b.onLoad({ filter: /[\\/]dist[\\/].*\.js$/ }, (args) => {
      let text = readFileSync(args.path, 'utf8');
      const rel = relative(dirname(out), args.path).split('\\').join('/');
      if (args.path.endsWith(join('validate', 'ajv.js'))) {
        if (!text.includes(AJV_TLA)) throw new Error(`bundle: ${rel} no longer has the validators import the bundle replaces`);
        text = text.replace(AJV_TLA, AJV_STATIC);
      }
      text = text.replaceAll('import.meta.url', `require('node:url').pathToFileURL(require('node:path').join(__dirname, ${JSON.stringify(rel)})).href`);
      return { contents: text, loader: 'js' };
    });
    // The live view stays an ES module, imported from dist/ when `--output tui` first needs it.
    b.onResolve({ filter: /[\\/]ui[\\/]reporter\.js$/ }, (args) => {
      const abs = join(args.resolveDir, args.path);
      return { path: `./${relative(dirname(out), abs).split('\\').join('/')}`, external: true };
    });
  },
};

const tmp = `${out}.${process.pid}.tmp`;
await build({
  entryPoints: [join(dist, 'engine', 'cli', 'app.js')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile: tmp,
  plugins: [perFile],
  // ssh2 and ajv are loaded on first use by require; ink and React only by the live view.
  external: ['ssh2', 'ajv', 'ink', 'react', 'cpu-features'],
  logLevel: 'warning',
});
// A script compiled from a code cache cannot import() by itself in Node 20: the bundle's dynamic
// imports (all with a literal specifier) call the loader's __tsplayImport instead.
const dynamic = /(?<![\w$.])import\((?=["'])/g;
const text = readFileSync(tmp, 'utf8').replace(dynamic, '__tsplayImport(');
const left = /(?<![\w$.])import\(/.exec(text);
if (left) {
  rmSync(tmp, { force: true });
  throw new Error(`bundle: a dynamic import with a computed specifier is left at offset ${left.index}`);
}
// The first line names the content; the cache starts with the same line (see bundled.ts).
const header = `// tsplay bundle ${createHash('sha256').update(text).digest('hex')}\n`;
writeFileSync(tmp, header + text);
renameSync(tmp, out);

// The code cache: the bundle compiled and its modules' top level run, as main.js does, then one
// small run, so that the cache also holds the functions a run compiles on first use (V8 compiles
// most functions lazily; those in the cache start about 20 ms of CPU sooner per run).
const { loadBundle } = await import(pathToFileURL(join(dist, 'engine', 'cli', 'bundled.js')).href);
const bundle = loadBundle(out);
await warmUp(bundle.exports.main);
const cache = Buffer.concat([Buffer.from(header), bundle.script.createCachedData()]);
writeFileSync(`${out}.cache.${process.pid}.tmp`, cache);
renameSync(`${out}.cache.${process.pid}.tmp`, `${out}.cache`);

// `tsplay validate` and `tsplay run` of a playbook of templating, a loop, a condition, a handler and
// one local command, on a local host, in a directory of its own that is removed afterwards. What
// they print is dropped; a failure only leaves the cache less complete, so it is a warning.
async function warmUp(main) {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-build-'));
  const home = process.cwd();
  try {
    writeFileSync(join(dir, 'hosts.ini'), `[nodes]\nbuild-host\n\n[nodes:vars]\nansible_connection=local\ntsplay_node_root=${dir}\n`);
    writeFileSync(
      join(dir, 'play.yml'),
      [
        '- hosts: nodes',
        '  gather_facts: false',
        '  serial: 1',
        '  vars: { items: [a, b] }',
        '  tasks:',
        '    - name: a local command',
        "      shell: \"echo {{ inventory_hostname | upper }}\"",
        '      register: out',
        '      changed_when: out.rc != 0',
        '      notify: done',
        '    - debug: { msg: "{{ item }}-{{ out.stdout | default(\'\') }}" }',
        '      loop: "{{ items }}"',
        '      when: item is defined',
        '    - set_fact: { seen: "{{ items | length > 1 }}" }',
        '  handlers:',
        '    - name: done',
        '      debug: { msg: done }',
        '',
      ].join('\n'),
    );
    process.chdir(dir);
    const io = { out: () => undefined, err: () => undefined, isTTY: false, env: { ...process.env, CI: '1' } };
    for (const argv of [['validate', 'play.yml', '-i', 'hosts.ini'], ['run', 'play.yml', '-i', 'hosts.ini', '--output', 'json']]) {
      const rc = await main(argv, io);
      if (rc !== 0) console.warn(`bundle: warming the code cache, tsplay ${argv[0]} exited ${rc}`);
    }
  } finally {
    process.chdir(home);
    rmSync(dir, { recursive: true, force: true });
  }
}
