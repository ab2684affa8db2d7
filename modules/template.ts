// template: renders a handlebars template (Jinja2 for Ansible's .j2 files) on the controller and
// puts it on the host.
import { defineModule } from '../engine/module.js';
import { findSource } from './copy.js';
import { ATTR_PROPERTIES, attrsOf } from './lib/file-attrs.js';
import { probePut } from './lib/put-file.js';

// The template arguments.
export const schema = {
  type: 'object',
  properties: {
    src: { type: 'string', description: "template file on the controller (searched in the role's templates/ and the playbook dir); handlebars (strict, helpers default, join, upper, ...), or Jinja2 like Ansible when it ends in .j2/.jinja2 (with template_path, template_host, ansible_managed ...)" },
    dest: { type: 'string', description: 'the path on the host' },
    ...ATTR_PROPERTIES,
    force: { type: 'boolean', default: true, description: 'replace a file whose content differs' },
    validate: { type: 'string', description: 'command that must accept the new content before it is written; %s is a temporary file (split like a shell would, but not run by one)' },
    backup: { type: 'boolean', default: false, description: 'keep a copy of the old file' },
  },
  required: ['src', 'dest'],
  additionalProperties: false,
} as const;

export default defineModule({
  name: 'template',
  summary: 'Render a handlebars template (Jinja2 for .j2 files) with the task variables and put it on the host',
  schema,
  freeForm: 'kv',
  checkMode: 'renders, compares checksums and shows the diff; writes nothing',
  example: '- template:\n    src: kubelet-config.yaml.hbs\n    dest: /var/lib/kubelet/config.yaml',
  async probe(ctx, args) {
    const src = args.src;
    const path = findSource(src, ctx.searchPaths, 'templates');
    if (!path) return { changed: false, failed: `Could not find or access '${src}' on the controller` };
    if (!ctx.renderTemplate) return { changed: false, failed: 'templates are not available here' };
    let content: string;
    try {
      content = await ctx.renderTemplate(path);
    } catch (e) {
      return { changed: false, failed: `template error while templating ${src}: ${(e as Error).message}` };
    }
    return probePut(ctx, { dest: args.dest, content, src: path, attrs: attrsOf(args), force: args.force, backup: args.backup, ...(args.validate !== undefined ? { validate: args.validate } : {}) });
  },
});
