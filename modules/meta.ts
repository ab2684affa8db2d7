// meta: engine control actions (flush_handlers, end_play, end_host, end_batch, ...). The
// executor implements them; this file declares the arguments and documents them.
import { defineModule } from '../engine/module.js';

export const META_ACTIONS = ['flush_handlers', 'noop', 'end_play', 'end_host', 'end_batch', 'clear_host_errors', 'clear_facts', 'refresh_inventory', 'reset_connection', 'role_complete'] as const;

// The meta arguments: the action, free form.
export const schema = {
  type: 'object',
  properties: { _raw_params: { enum: [...META_ACTIONS], description: 'the meta action' } },
  required: ['_raw_params'],
  additionalProperties: false,
} as const;

export default defineModule({
  name: 'meta',
  construct: 'meta',
  summary: 'Control the run: flush handlers, end the play/batch/host, clear host errors',
  schema,
  freeForm: 'raw',
  checkMode: 'runs as usual',
  example: '- meta: flush_handlers',
});
