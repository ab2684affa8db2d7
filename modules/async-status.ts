// async_status: the status of a background job started with `async: N, poll: 0`, read from
// ~/.ansible_async/JID on the host (written when the job starts and when it ends).
import { raw, sh } from '../engine/connection/command.js';
import { defineModule } from '../engine/module.js';

export const schema = {
  type: 'object',
  properties: {
    jid: { type: 'string', description: 'the ansible_job_id of the async task' },
    mode: { enum: ['status', 'cleanup'], default: 'status', description: 'status: report the job; cleanup: remove its results file' },
  },
  required: ['jid'],
  additionalProperties: false,
} as const;

export default defineModule({
  name: 'async_status',
  summary: 'Report (or clean up) a background job started with async and poll: 0',
  schema,
  freeForm: 'kv',
  checkMode: 'runs as usual (reads the job status)',
  example: '- async_status:\n    jid: "{{ upgrade.ansible_job_id }}"\n  register: job\n  until: job.finished\n  retries: 60\n  delay: 10',
  async probe(ctx, args) {
    const jid = String(args.jid);
    if (!/^[A-Za-z0-9._-]+$/.test(jid)) return { changed: false, failed: `invalid job id: ${jid}` };
    const file = sh`"$HOME"/.ansible_async/${raw(jid)}`;
    const ids = { ansible_job_id: jid, results_file: `~/.ansible_async/${jid}` };
    if (args.mode === 'cleanup') {
      await ctx.host_.query(sh`rm -f ${file}`);
      return { changed: false, result: { ...ids, erased: ids.results_file } };
    }
    const r = await ctx.host_.query(sh`cat ${file}`);
    if (r.rc !== 0) return { changed: false, failed: 'could not find job', result: { ...ids, started: 1, finished: 1 } };
    let status: Record<string, unknown>;
    try {
      status = JSON.parse(r.stdout) as Record<string, unknown>;
    } catch {
      return { changed: false, result: { ...ids, started: 1, finished: 0 } };
    }
    if (status['finished'] !== 1) return { changed: false, result: { ...ids, started: 1, finished: 0 } };
    if (status['failed'] === true) return { changed: false, failed: String(status['msg'] ?? 'the job failed'), result: { ...status, ...ids } };
    return { changed: false, result: { ...status, ...ids } };
  },
});
