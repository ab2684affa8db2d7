// Loads a task file named by import_tasks/include_tasks, relative to the including file,
// the role's tasks/ directory and root, then the playbook directory.
import { dirname, join } from 'node:path';
import { relativeName, type LoadContext } from './context.js';
import type { Node, Task } from './model.js';
import { loadNodeList, type TaskLoadOptions } from './task.js';
import { posAt, readYaml } from '../source/yaml-file.js';

// Directories searched for a task file named by `task`.
export function taskSearchDirs(ctx: LoadContext, task: Task): string[] {
  const dirs = [dirname(task.file)];
  // a role's files are searched in its tasks/ and from its root (`tasks/x.yml` from handlers/)
  if (task.role) dirs.push(join(task.role.path, 'tasks'), task.role.path);
  dirs.push(ctx.playbookDir);
  return [...new Set(dirs)];
}

// Finds, parses and loads a task file; reports a missing file at the task's argument.
export function loadIncludeFile(ctx: LoadContext, name: string, task: Task, opts: TaskLoadOptions): Node[] | undefined {
  const where = posAt(task.src.file, [...task.src.path, task.action]);
  if (!name) {
    ctx.error('module-args', `${task.action} needs a file name`, where);
    return undefined;
  }
  const path = ctx.findFile(name, taskSearchDirs(ctx, task));
  if (!path) {
    ctx.error('missing-file', `could not find or access '${name}' (searched ${taskSearchDirs(ctx, task).join(', ')})`, where);
    return undefined;
  }
  if (ctx.importStack.includes(path)) {
    const cycle = ctx.importStack.slice(ctx.importStack.indexOf(path));
    ctx.error('recursion', `${task.action} cycle: ${[...cycle, path].map((f) => relativeName(f, ctx.playbookDir)).join(' -> ')}`, where, 'a task file must not import itself, directly or through others');
    return undefined;
  }
  if (ctx.tooDeep(`${task.action} ${name}`, where)) return undefined;
  const { file, diagnostics } = readYaml(path, where);
  ctx.diagnostics.push(...diagnostics);
  if (!file || diagnostics.length > 0) return undefined;
  ctx.importStack.push(path);
  try {
    ctx.shapes.push({ file, def: 'tasks' });
    return loadNodeList(ctx, file, [], file.value, opts);
  } finally {
    ctx.importStack.pop();
  }
}
