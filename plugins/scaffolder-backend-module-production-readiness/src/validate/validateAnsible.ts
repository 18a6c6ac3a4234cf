import fs from 'node:fs/promises';
import path from 'node:path';
import type { BundleProblem } from './validateBundle';
import { findExecutable, runTool } from './runTool';

/** Whether a YAML document is an Ansible playbook: a list of plays, each naming its hosts. */
export function isPlaybook(doc: unknown): boolean {
  return (
    Array.isArray(doc) &&
    doc.length > 0 &&
    doc.every(
      play =>
        play !== null &&
        typeof play === 'object' &&
        'hosts' in play &&
        ('roles' in play || 'tasks' in play || 'import_playbook' in play),
    )
  );
}

/**
 * Runs the real `ansible-playbook --syntax-check` on each playbook (with the inventory example
 * next to it, if any): roles, task modules and Jinja are resolved as a deploy would resolve them.
 */
export async function checkPlaybooks(
  root: string,
  playbooks: string[],
  mode: 'auto' | 'required' | 'skip',
): Promise<{
  problems: BundleProblem[];
  state: 'ran' | 'not found' | 'skipped';
}> {
  if (mode === 'skip' || playbooks.length === 0) {
    return { problems: [], state: 'skipped' };
  }
  const ansible = await findExecutable('ansible-playbook');
  if (!ansible) {
    return {
      problems:
        mode === 'required'
          ? [
              {
                file: playbooks[0],
                message: 'ansible-playbook is required but was not found',
              },
            ]
          : [],
      state: 'not found',
    };
  }
  const problems: BundleProblem[] = [];
  for (const file of playbooks) {
    const dir = path.join(root, path.dirname(file));
    const inventory = await fs
      .access(path.join(dir, 'inventory.example.ini'))
      .then(() => 'inventory.example.ini')
      .catch(() => 'localhost,');
    const output = await runTool(
      ansible,
      ['--syntax-check', '-i', inventory, path.basename(file)],
      { cwd: dir, env: { ...process.env, ANSIBLE_NOCOLOR: '1' } },
    );
    if (output) {
      problems.push({
        file,
        message: `ansible-playbook --syntax-check failed: ${output}`,
      });
    }
  }
  return { problems, state: 'ran' };
}
