/** The repository a URL points into: `https://<host>/<owner>/<repo>/…`. */
export interface RepositoryUrl {
  host: string;
  owner: string;
  /** Without a `.git` suffix. */
  repo: string;
}

/** The host, owner and repository of a GitHub-style URL, or undefined when it names none. */
export function repositoryOf(url: string): RepositoryUrl | undefined {
  try {
    const parsed = new URL(url);
    const [owner, repo] = parsed.pathname.split('/').filter(Boolean);
    return owner && repo
      ? { host: parsed.host, owner, repo: repo.replace(/\.git$/, '') }
      : undefined;
  } catch {
    return undefined;
  }
}
