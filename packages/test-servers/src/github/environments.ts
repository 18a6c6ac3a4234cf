import { json, pageOf, Route } from './standInHttp';
import {
  repositoryKey,
  StandInRepositories,
  StandInRepository,
} from './workflowRuns';

/** A deployment environment of a repository, as a test configures it. */
export interface EnvironmentSpec {
  name: string;
  /** Logins of the users whose review a deployment to it waits for; none: unprotected. */
  reviewers?: string[];
  /** Minutes a deployment waits before it starts. */
  waitTimer?: number;
}

/**
 * GitHub deployment environments for the stand-in: set by tests (`setEnvironment`) and listed by
 * `GET /repos/{owner}/{repo}/environments` with GitHub's shapes (protection rules of types
 * `required_reviewers` and `wait_timer`) and pages.
 */
export function createEnvironments(deps: StandInRepositories) {
  const environments = new Map<string, EnvironmentSpec[]>();
  let nextId = 161_000_001;
  const ids = new Map<string, number>();
  const idOf = (key: string) => {
    if (!ids.has(key)) ids.set(key, nextId++);
    return ids.get(key)!;
  };

  const set = (repo: StandInRepository, spec: EnvironmentSpec) => {
    const list = (environments.get(repositoryKey(repo)) ?? []).filter(
      e => e.name.toLowerCase() !== spec.name.toLowerCase(),
    );
    environments.set(repositoryKey(repo), [...list, spec]);
  };

  const environmentJson = (repo: StandInRepository, env: EnvironmentSpec) => {
    const full = `${repo.owner}/${repo.name}`;
    const id = idOf(`${repositoryKey(repo)}:${env.name.toLowerCase()}`);
    return {
      id,
      node_id: `EN_${Buffer.from(String(id)).toString('base64url')}`,
      name: env.name,
      url: deps.api(
        `/repos/${full}/environments/${encodeURIComponent(env.name)}`,
      ),
      html_url: deps.webUrl(
        `/${full}/deployments/activity_log?environments_filter=${encodeURIComponent(
          env.name,
        )}`,
      ),
      created_at: deps.now(),
      updated_at: deps.now(),
      protection_rules: [
        ...(env.reviewers?.length
          ? [
              {
                id: id + 1,
                node_id: `GA_${id}`,
                prevent_self_review: false,
                type: 'required_reviewers',
                reviewers: env.reviewers.map(login => ({
                  type: 'User',
                  reviewer: { login, id: 1, type: 'User' },
                })),
              },
            ]
          : []),
        ...(env.waitTimer
          ? [
              {
                id: id + 2,
                node_id: `GA_${id}_wait`,
                type: 'wait_timer',
                wait_timer: env.waitTimer,
              },
            ]
          : []),
      ],
      deployment_branch_policy: null,
    };
  };

  const routes: Route[] = [
    {
      method: 'GET',
      pattern: /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/environments$/,
      query: ['per_page', 'page'],
      handle: async ({ params, url }) => {
        const repo = deps.findRepo(params[0], params[1]);
        const { perPage, page } = pageOf(url);
        const all = environments.get(repositoryKey(repo)) ?? [];
        return json(200, {
          total_count: all.length,
          environments: all
            .slice((page - 1) * perPage, page * perPage)
            .map(e => environmentJson(repo, e)),
        });
      },
    },
  ];

  return { set, routes };
}
