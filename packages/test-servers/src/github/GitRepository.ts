import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gitText, runGit } from './runGit';

const SHA = /^[0-9a-f]{40}$/;
const ZERO_SHA = '0'.repeat(40);
const FILE_MODES = new Set(['100644', '100755', '120000']);

/** A file of a repository created for a test. */
export type RepositoryFile =
  | string
  | Buffer
  | { content: string | Buffer; executable?: boolean };

/** One entry of a tree change: a blob at a path, or `sha: null` to delete the path. */
export interface TreeChange {
  path: string;
  mode: string;
  sha: string | null;
}

/** A git identity with the time it acted. */
export interface GitSignature {
  name: string;
  email: string;
  /** ISO 8601, UTC. */
  date: string;
}

/** A commit as git stores it. */
export interface GitCommit {
  sha: string;
  tree: string;
  parents: string[];
  author: GitSignature;
  committer: GitSignature;
  message: string;
}

/** A request the repository refuses, answered by GitHub with 422 Unprocessable Entity. */
export class UnprocessableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnprocessableError';
  }
}

/** Paths GitHub refuses in a tree: absolute, empty components, `.`/`..`, `.git`. */
export function checkTreePath(path: string): string | undefined {
  if (typeof path !== 'string' || path.length === 0 || path.length > 4096) {
    return 'path must be a non-empty string';
  }
  if (path.includes('\0')) return 'path must not contain NUL';
  const parts = path.split('/');
  if (
    parts.some(
      p => p === '' || p === '.' || p === '..' || p.toLowerCase() === '.git',
    )
  ) {
    return `"${path}" is not a valid path in a tree`;
  }
  return undefined;
}

function parseSignature(line: string): GitSignature {
  const match = /^(.*) <(.*)> (\d+) ([+-]\d{4})$/.exec(line);
  if (!match) {
    throw new Error(`Unparseable git signature "${line}"`);
  }
  return {
    name: match[1],
    email: match[2],
    date: new Date(Number(match[3]) * 1000)
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z'),
  };
}

/** Parses the raw text of a commit object (`git cat-file commit`). */
export function parseCommitObject(sha: string, raw: string): GitCommit {
  const end = raw.indexOf('\n\n');
  const headers = (end === -1 ? raw : raw.slice(0, end)).split('\n');
  const message = end === -1 ? '' : raw.slice(end + 2);
  const commit: GitCommit = {
    sha,
    tree: '',
    parents: [],
    author: { name: '', email: '', date: '' },
    committer: { name: '', email: '', date: '' },
    message,
  };
  for (const header of headers) {
    const space = header.indexOf(' ');
    const key = header.slice(0, space);
    const value = header.slice(space + 1);
    if (key === 'tree') commit.tree = value;
    else if (key === 'parent') commit.parents.push(value);
    else if (key === 'author') commit.author = parseSignature(value);
    else if (key === 'committer') commit.committer = parseSignature(value);
  }
  return commit;
}

/**
 * A bare git repository on disk, changed only through git plumbing: `hash-object -w` for
 * blobs, `read-tree` + `update-index --index-info` + `write-tree` on a throwaway index for
 * trees, `commit-tree` for commits and `update-ref` (with the expected old value) for refs.
 */
export class GitRepository {
  private indexCounter = 0;

  private constructor(
    readonly gitDir: string,
    private readonly scratchDir: string,
  ) {}

  /** Creates a bare repository; `scratchDir` holds throwaway index files. */
  static async init(options: {
    gitDir: string;
    scratchDir: string;
    defaultBranch: string;
  }): Promise<GitRepository> {
    const { gitDir, scratchDir, defaultBranch } = options;
    mkdirSync(gitDir, { recursive: true });
    const repository = new GitRepository(gitDir, scratchDir);
    await repository.checkBranchName(defaultBranch);
    await repository.git([
      'init',
      '--bare',
      '--quiet',
      `--initial-branch=${defaultBranch}`,
    ]);
    mkdirSync(scratchDir, { recursive: true });
    return repository;
  }

  /** Runs git on this repository; arguments are never interpreted by a shell. */
  git(args: string[], input?: Buffer | string): Promise<Buffer> {
    return runGit(this.gitDir, args, { input });
  }

  async writeBlob(content: Buffer): Promise<string> {
    return gitText(this.gitDir, ['hash-object', '-w', '--stdin'], {
      input: content,
    });
  }

  /** The type of each object (`blob`, `tree`, `commit`, `tag`) or `missing`. */
  async objectTypes(shas: string[]): Promise<Map<string, string>> {
    const types = new Map<string, string>();
    const valid = shas.filter(s => SHA.test(s));
    for (const sha of shas) {
      if (!SHA.test(sha)) types.set(sha, 'missing');
    }
    if (valid.length === 0) return types;
    const out = await gitText(this.gitDir, ['cat-file', '--batch-check'], {
      input: `${valid.join('\n')}\n`,
    });
    out.split('\n').forEach((line, i) => {
      const [, type] = line.split(' ');
      types.set(valid[i], type ?? 'missing');
    });
    return types;
  }

  async objectType(sha: string): Promise<string> {
    return (await this.objectTypes([sha])).get(sha) ?? 'missing';
  }

  /**
   * Writes a tree: `base` (or an empty tree) with `changes` applied, the way GitHub's
   * "create a tree" applies entries with paths over `base_tree`.
   */
  async writeTree(
    base: string | undefined,
    changes: TreeChange[],
  ): Promise<string> {
    for (const change of changes) {
      const problem = checkTreePath(change.path);
      if (problem) throw new UnprocessableError(problem);
      if (!FILE_MODES.has(change.mode)) {
        throw new UnprocessableError(
          `tree.mode ${change.mode} for "${change.path}" is not supported by the stand-in (only 100644, 100755, 120000)`,
        );
      }
    }
    const types = await this.objectTypes(
      [
        ...(base ? [base] : []),
        ...changes.flatMap(c => (c.sha === null ? [] : [c.sha])),
      ].filter((s, i, all) => all.indexOf(s) === i),
    );
    if (base && types.get(base) !== 'tree') {
      throw new UnprocessableError(`base_tree ${base} is not a valid tree`);
    }
    for (const change of changes) {
      if (change.sha !== null && types.get(change.sha) !== 'blob') {
        throw new UnprocessableError(
          `tree.sha ${change.sha} for "${change.path}" is not a valid blob`,
        );
      }
    }
    const indexFile = join(
      this.scratchDir,
      `index-${process.pid}-${this.indexCounter++}`,
    );
    const env = { GIT_INDEX_FILE: indexFile };
    try {
      await runGit(
        this.gitDir,
        base ? ['read-tree', base] : ['read-tree', '--empty'],
        { env },
      );
      if (changes.length) {
        const records = changes.map(c =>
          c.sha === null
            ? `0 ${ZERO_SHA}\t${c.path}\0`
            : `${c.mode} blob ${c.sha}\t${c.path}\0`,
        );
        await runGit(this.gitDir, ['update-index', '-z', '--index-info'], {
          env,
          input: records.join(''),
        });
      }
      return await gitText(this.gitDir, ['write-tree'], { env });
    } finally {
      rmSync(indexFile, { force: true });
    }
  }

  /** Writes a commit object with `git commit-tree`. */
  async writeCommit(options: {
    tree: string;
    parents: string[];
    message: string;
    author: { name: string; email: string; date?: string };
    committer: { name: string; email: string; date?: string };
  }): Promise<string> {
    const types = await this.objectTypes([options.tree, ...options.parents]);
    if (types.get(options.tree) !== 'tree') {
      throw new UnprocessableError(`tree ${options.tree} is not a valid tree`);
    }
    for (const parent of options.parents) {
      if (types.get(parent) !== 'commit') {
        throw new UnprocessableError(`parent ${parent} is not a valid commit`);
      }
    }
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    return gitText(
      this.gitDir,
      [
        'commit-tree',
        options.tree,
        ...options.parents.flatMap(p => ['-p', p]),
        '-F',
        '-',
      ],
      {
        input: options.message,
        env: {
          GIT_AUTHOR_NAME: options.author.name,
          GIT_AUTHOR_EMAIL: options.author.email,
          GIT_AUTHOR_DATE: options.author.date ?? now,
          GIT_COMMITTER_NAME: options.committer.name,
          GIT_COMMITTER_EMAIL: options.committer.email,
          GIT_COMMITTER_DATE: options.committer.date ?? now,
        },
      },
    );
  }

  async readCommit(sha: string): Promise<GitCommit> {
    const raw = await this.git(['cat-file', 'commit', sha]);
    return parseCommitObject(sha, raw.toString('utf8'));
  }

  /** Commits reachable from `sha`, newest first, as `git rev-list` orders them. */
  async listCommits(
    sha: string,
    options: { skip: number; max: number },
  ): Promise<string[]> {
    const out = await gitText(this.gitDir, [
      'rev-list',
      `--max-count=${options.max}`,
      `--skip=${options.skip}`,
      sha,
      '--',
    ]);
    return out ? out.split('\n') : [];
  }

  async checkBranchName(branch: string): Promise<void> {
    try {
      await this.checkRefName(`refs/heads/${branch}`);
    } catch {
      throw new UnprocessableError(`"${branch}" is not a valid branch name`);
    }
  }

  async checkRefName(ref: string): Promise<void> {
    if (!ref.startsWith('refs/') || ref.split('/').length < 3) {
      throw new UnprocessableError(
        'Reference name must start with refs/ and have at least two slashes',
      );
    }
    try {
      await this.git(['check-ref-format', ref]);
    } catch {
      throw new UnprocessableError(`${ref} is not a valid ref name`);
    }
  }

  /** The commit a full ref name points to, or undefined. */
  async resolveRef(ref: string): Promise<string | undefined> {
    await this.checkRefName(ref);
    try {
      return await gitText(this.gitDir, [
        'rev-parse',
        '--verify',
        '--quiet',
        `${ref}^{commit}`,
      ]);
    } catch {
      return undefined;
    }
  }

  /**
   * Resolves what GitHub accepts as a `ref`/`sha` parameter: a full commit SHA, a branch
   * name or a tag name. Undefined when nothing matches.
   */
  async resolveCommitish(refOrSha: string): Promise<string | undefined> {
    if (SHA.test(refOrSha)) {
      return (await this.objectType(refOrSha)) === 'commit'
        ? refOrSha
        : undefined;
    }
    for (const prefix of ['refs/heads/', 'refs/tags/']) {
      try {
        const sha = await this.resolveRef(`${prefix}${refOrSha}`);
        if (sha) return sha;
      } catch {
        // not a valid name under this prefix
      }
    }
    return undefined;
  }

  /**
   * Points `ref` at `sha`. `expected` is the value the ref must have now (`null`: must not
   * exist), so concurrent updates cannot silently overwrite each other.
   */
  async updateRef(
    ref: string,
    sha: string,
    expected: string | null,
  ): Promise<void> {
    await this.checkRefName(ref);
    await this.git(['update-ref', ref, sha, expected ?? '']);
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    try {
      await this.git(['merge-base', '--is-ancestor', ancestor, descendant]);
      return true;
    } catch {
      return false;
    }
  }

  async countCommits(from: string, to: string): Promise<number> {
    return Number(
      await gitText(this.gitDir, ['rev-list', '--count', `${from}..${to}`]),
    );
  }

  /** `git archive` of a commit as a gzipped tarball, every path under `prefix/`. */
  tarball(sha: string, prefix: string): Promise<Buffer> {
    return this.git(['archive', '--format=tar.gz', `--prefix=${prefix}/`, sha]);
  }

  /** Top-level entries of a tree, as GitHub's tree responses list them. */
  async listTree(tree: string): Promise<
    Array<{
      path: string;
      mode: string;
      type: string;
      sha: string;
      size?: number;
    }>
  > {
    const out = await this.git(['ls-tree', '-z', '-l', tree]);
    return out
      .toString('utf8')
      .split('\0')
      .filter(Boolean)
      .map(record => {
        const tab = record.indexOf('\t');
        const [mode, type, sha, size] = record.slice(0, tab).split(/\s+/);
        return {
          path: record.slice(tab + 1),
          mode,
          type,
          sha,
          ...(type === 'blob' ? { size: Number(size) } : {}),
        };
      });
  }

  /** Creates the first commit of `branch` from a map of files, with git plumbing. */
  async commitFiles(options: {
    branch: string;
    files: Record<string, RepositoryFile>;
    message: string;
    author: { name: string; email: string; date?: string };
  }): Promise<string> {
    const changes: TreeChange[] = [];
    for (const [path, file] of Object.entries(options.files)) {
      const content =
        typeof file === 'string' || Buffer.isBuffer(file) ? file : file.content;
      const executable =
        typeof file === 'object' && !Buffer.isBuffer(file) && file.executable;
      changes.push({
        path,
        mode: executable ? '100755' : '100644',
        sha: await this.writeBlob(
          Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'),
        ),
      });
    }
    const tree = await this.writeTree(undefined, changes);
    const sha = await this.writeCommit({
      tree,
      parents: [],
      message: options.message,
      author: options.author,
      committer: options.author,
    });
    await this.updateRef(`refs/heads/${options.branch}`, sha, null);
    return sha;
  }
}
