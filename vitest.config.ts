import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

// Folders whose tests call code in the test's process only (no lab, no CLI process, no sshd).
const UNIT = ['expr', 'py', 'inventory', 'load', 'validate', 'ui', 'report', 'plan', 'cluster', 'architecture', 'kube', 'modules', 'lab/kube'];
const isUnit = (f: TestSpecification) => UNIT.some((d) => f.moduleId.includes(`/test/${d}/`));

// The files that take longest (mostly waiting on the lab's timers and other processes) start
// first, then the unit files, whose CPU fills those waits, then the rest. By path, since a fresh
// clone has no durations cached (vitest would order by file size and run one project after the other).
const SLOW = [
  // Real pip in a real virtualenv: some 10 CPU-s of Python over a minute, which at the end would run alone.
  /test\/modules\/compat\/pip\.test/,
  /test\/e2e\/lock-race-/,
  /test\/playbooks\/k8s-reboot(-resume)?\.test/,
  /test\/incluster\/runner/,
  /test\/playbooks\/k8s-/,
  /test\/safety\/careless/,
  /test\/e2e\/(resume|lock)\.test/,
  /test\/(lab\/cli|connection\/e2e|lab\/incidents-playbook|run\/lock|playbooks\/update-home|hostile\/crashes|e2e\/secrets)\.test/,
  /test\/conformance\/conformance-/,
  // CPU-bound with nothing to wait on: started early, they fill the others' waits instead of
  // running alone at the end.
  /test\/fuzz\/(loader|cli|inventory)\.test/,
];
const rank = (f: TestSpecification) => SLOW.findIndex((re) => re.test(f.moduleId));

class SlowFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const slow = sorted.filter((f) => rank(f) >= 0).sort((a, b) => rank(a) - rank(b));
    const unit = sorted.filter((f) => rank(f) < 0 && isUnit(f));
    const order = [...slow, ...unit, ...sorted.filter((f) => rank(f) < 0 && !isUnit(f))];
    // A file listed twice would run twice, side by side.
    if (order.length !== files.length) throw new Error(`test order: ${order.length} entries for ${files.length} files`);
    return order;
  }
}

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['test/helpers/memory-tmp.ts'],
    // The lab-driven files mostly wait on timers and other processes, so ten run at once even
    // where vitest's default (CPUs - 1) would run them one after the other.
    maxWorkers: Math.max(10, availableParallelism() - 1),
    // A worker process runs one file after another and keeps the modules it loaded: starting a
    // process and loading the lab and the helpers again for each of some 150 files cost about a
    // tenth of the suite's CPU. Files restore what they change (environment, working directory),
    // and main() starts each in-process command with fresh caches, as a new process would. (One
    // project: vitest hands a worker only files of the project it started with.)
    isolate: false,
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    sequence: { sequencer: SlowFirst },
  },
});
