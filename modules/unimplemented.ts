// The stand-in for a module ansible-playbook has (ansible-core's own, an installed collection's, a
// library folder's) that tsplay does not implement: the playbook loads as Ansible's parser accepts
// it, and the task fails on each host that reaches it, saying so (as Ansible fails a task whose
// module cannot run there).
import { defineModule, type ModuleDef } from '../engine/module.js';

// A module definition for `fqcn` that accepts any arguments and fails when run.
export function unimplementedModule(fqcn: string): ModuleDef {
  return defineModule({
    name: fqcn,
    summary: `${fqcn} (an Ansible module tsplay does not implement)`,
    schema: { type: 'object' },
    freeForm: 'kv',
    checkMode: 'fails (not implemented)',
    async action() {
      return { failed: true, changed: false, msg: `the module ${fqcn} is not implemented by tsplay (see \`tsplay modules\` for the modules it runs)` };
    },
  }) as ModuleDef;
}
