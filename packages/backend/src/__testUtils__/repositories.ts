import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  ANNOTATION_SOURCE_LOCATION,
  Entity,
} from '@backstage/catalog-model';
import { GitHubApiStandIn, RepositoryFile } from '@internal/test-servers';
import fs from 'node:fs';
import path from 'node:path';

/** Every file of a rendered workspace, as a repository's first commit holds them. */
function workspaceFiles(workspace: string): Record<string, RepositoryFile> {
  const files: Record<string, RepositoryFile> = {};
  for (const entry of fs.readdirSync(workspace, {
    recursive: true,
    withFileTypes: true,
  })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    files[path.relative(workspace, full).split(path.sep).join('/')] = {
      content: fs.readFileSync(full),
      executable: (fs.statSync(full).mode & 0o111) !== 0,
    };
  }
  return files;
}

/**
 * Pushes a rendered service to `acme/<name>` on the GitHub API stand-in (a real git
 * repository), records how its CI workflow's last push run on main ended, and gives the
 * service's entities the location annotations the catalog sets for entities registered from
 * that repository's catalog-info.yaml (`managed-by-location`, `source-location`).
 */
export async function publishRepository(options: {
  github: GitHubApiStandIn;
  name: string;
  workspace: string;
  entities: Entity[];
  lastRun: 'success' | 'failure';
}): Promise<void> {
  const { github, name, workspace } = options;
  await github.addRepository({
    owner: 'acme',
    name,
    files: workspaceFiles(workspace),
  });
  await github.addWorkflowRun('acme', name, {
    workflow: '.github/workflows/ci.yaml',
    conclusion: options.lastRun,
  });
  const repository = `https://${github.host}/acme/${name}`;
  for (const entity of options.entities) {
    entity.metadata.annotations = {
      ...entity.metadata.annotations,
      [ANNOTATION_LOCATION]: `url:${repository}/blob/main/catalog-info.yaml`,
      [ANNOTATION_ORIGIN_LOCATION]: `url:${repository}/blob/main/catalog-info.yaml`,
      [ANNOTATION_SOURCE_LOCATION]: `url:${repository}/tree/main/`,
    };
  }
}
