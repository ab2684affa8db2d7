// stat: reports whether a path exists and its attributes (read-only).
import { defineModule } from '../engine/module.js';
import { readPath } from './lib/remote-file.js';

// The stat arguments.
export const schema = {
  type: 'object',
  properties: {
    path: { type: 'string', aliases: ['dest', 'name'], description: 'the path' },
    follow: { type: 'boolean', default: false, description: 'follow symlinks' },
    get_checksum: { type: 'boolean', default: true, description: 'compute the sha1 checksum of regular files' },
    checksum_algorithm: { enum: ['sha1'], description: 'only sha1 is supported' },
    get_mime: { type: 'boolean', description: 'accepted and ignored' },
    get_attributes: { type: 'boolean', description: 'accepted and ignored' },
  },
  additionalProperties: false,
} as const;

export default defineModule({
  name: 'stat',
  summary: 'Read the attributes of a path on the host',
  schema,
  freeForm: 'kv',
  checkMode: 'runs as usual (read-only)',
  example: '- stat:\n    path: /var/run/reboot-required\n  register: reboot_required',
  async probe(ctx, args) {
    const path = args.path ?? '';
    const st = await readPath(ctx.host_, path, { checksum: args.get_checksum, follow: args.follow });
    if (st.type === 'absent') return { changed: false, result: { changed: false, stat: { exists: false } } };
    const mode = Number.parseInt(st.mode ?? '0', 8);
    const stat: Record<string, unknown> = {
      exists: true,
      path,
      mode: st.mode,
      isdir: st.type === 'directory',
      isreg: st.type === 'file',
      islnk: st.type === 'link',
      uid: st.uid,
      gid: st.gid,
      size: st.size,
      mtime: st.mtime,
      wusr: Boolean(mode & 0o200),
      rusr: Boolean(mode & 0o400),
      xusr: Boolean(mode & 0o100),
      pw_name: st.owner,
      gr_name: st.group,
    };
    if (st.linkTarget) stat['lnk_target'] = st.linkTarget;
    if (st.checksum) stat['checksum'] = st.checksum;
    return { changed: false, result: { changed: false, stat } };
  },
});
