// fail: fails the host with a message.
import { defineModule } from '../engine/module.js';

// The fail arguments.
export const schema = {
  type: 'object',
  properties: { msg: { description: 'the failure message (default "Failed as requested from task")' } },
  additionalProperties: false,
} as const;

export default defineModule({
  name: 'fail',
  summary: 'Fail the host with a message',
  schema,
  freeForm: 'kv',
  checkMode: 'fails as usual',
  example: '- fail:\n    msg: "{{ inventory_hostname }} is not on the target version"\n  when: kubelet_version != target',
  async action(_ctx, args) {
    return { changed: false, failed: true, msg: args.msg ?? 'Failed as requested from task' };
  },
});
