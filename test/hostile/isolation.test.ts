// An exception while running a task on one host (a bug in a module or the engine) fails that task
// on that host only, with Ansible's result shape and a message naming the internal error, the
// task and its position; the other hosts finish their batch and the run ends normally.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepare } from '../../engine/cli/prepare.js';
import { createRegistry, defineModule, type ModuleDef } from '../../engine/module.js';
import { runPlaybook } from '../../engine/run/playbook.js';
import type { RunEvent } from '../../engine/run/events.js';
import { MODULES } from '../../modules/index.js';
import { scratch, TWO_LOCAL, type Scratch } from './fixtures.js';

const boom = defineModule({
  name: 'boom',
  summary: 'throws on h1 (a TypeError: a bug), a plain Error on h3',
  schema: { type: 'object', properties: {}, additionalProperties: false } as const,
  freeForm: 'kv',
  checkMode: 'runs',
  example: '- boom:',
  async action(ctx) {
    if (ctx.host === 'h1') (undefined as unknown as { x: number }).x;
    if (ctx.host === 'h3') throw new Error('the disk is full');
    return { changed: false, msg: 'fine' };
  },
});

let s: Scratch;
beforeAll(() => {
  s = scratch();
  s.write({ 'hosts.ini': `${TWO_LOCAL}h3 ansible_connection=local\n`, 'pb.yml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - name: explode\n      boom:\n    - debug: msg=after\n' });
});
afterAll(() => s.remove());

describe('an exception on one host', () => {
  it('fails that task on that host; the others finish the batch', async () => {
    const modules = createRegistry([...MODULES, boom as ModuleDef]);
    const prep = prepare({ playbook: join(s.dir, 'pb.yml'), sources: [join(s.dir, 'hosts.ini')], extraVars: {}, rolesPath: [], modules });
    expect(prep.diagnostics.filter((d) => d.severity !== 'warning')).toEqual([]);
    const events: RunEvent[] = [];
    const summary = await runPlaybook(prep.playbook!, prep.inventory!, { modules, check: false, diff: false, forks: 5, tags: { only: [], skip: [] }, extraVars: {}, forceHandlers: false, verbosity: 0 }, [(e) => void events.push(e)]);
    const results = events.filter((e): e is Extract<RunEvent, { type: 'result' }> => e.type === 'result');
    const of = (host: string, task: string) => results.find((r) => r.host === host && r.task === task);
    expect(summary.rc).toBe(2);
    expect(of('h1', 'explode')?.status).toBe('failed');
    expect(String((of('h1', 'explode') as { error?: string }).error ?? JSON.stringify(of('h1', 'explode')))).toMatch(/internal error in tsplay while running task 'explode' at .*pb\.yml:4:7 \(a bug, please report it\): TypeError: /);
    expect(JSON.stringify(of('h3', 'explode'))).toContain('the disk is full');
    expect(of('h2', 'explode')?.status).toBe('ok');
    expect(of('h2', 'debug')?.status).toBe('ok');
    expect(of('h1', 'debug')).toBeUndefined();
  });
});
