import { parse as parseShell } from 'shell-quote';
import { PipelineJob } from './types';

/** An image a deploy job sets, as its command writes it (variables expanded). */
export interface DeployImage {
  /** `registry/repository:tag`, `…@sha256:…`, or only a tag (Helm `image.tag`). */
  reference: string;
  /** Whether `reference` is only a tag (the repository comes from the chart's values). */
  tagOnly?: boolean;
  /** The command that sets it, e.g. `argocd app set --kustomize-image`. */
  via: string;
}

/** A GitHub expression `${{ … }}`, kept whole through shell parsing. */
const GITHUB_EXPRESSION = /\$\{\{\s*([^}]*?)\s*\}\}/g;
const PLACEHOLDER = /@@expr(\d+)@@/g;

/**
 * The simple commands of a shell line (split at `;`, `&&`, `|` …) as words, with `$NAME`,
 * `${NAME}` and `${{ env.NAME }}` expanded from the job's variables (once: values are not
 * expanded again). Anything else (`${{ github.sha }}`, `$CI_COMMIT_SHA`, secrets, shell
 * variables) stays as written, so it can be judged for what it is.
 */
function simpleCommands(
  line: string,
  variables: Record<string, string>,
): string[][] {
  const expressions: string[] = [];
  const protectedLine = line.replace(GITHUB_EXPRESSION, (_whole, body) => {
    const env = /^env\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(body);
    expressions.push(
      (env && Object.hasOwn(variables, env[1])
        ? variables[env[1]]
        : undefined) ?? `\${{ ${String(body).replace(/\s+/g, ' ')} }}`,
    );
    return `@@expr${expressions.length - 1}@@`;
  });
  const commands: string[][] = [[]];
  for (const entry of parseShell(protectedLine, name =>
    Object.hasOwn(variables, name) ? variables[name] : `$${name}`,
  )) {
    if (typeof entry === 'string') {
      commands[commands.length - 1].push(
        entry.replace(PLACEHOLDER, (_, i) => expressions[Number(i)]),
      );
    } else if ('op' in entry) {
      commands.push([]);
    }
  }
  return commands.filter(c => c.length);
}

/** Where `sub` starts in `words` (sub-commands after global flags such as `kubectl -n x`). */
function indexOfWords(words: string[], sub: string[]): number {
  return words.findIndex((_, i) => sub.every((w, j) => words[i + j] === w));
}

/** `old=new` → `new`; a plain reference stays. */
const newImage = (value: string) => value.slice(value.indexOf('=') + 1);

/** Values of `--flag value` and `--flag=value`. */
function flagValues(words: string[], flag: string): string[] {
  return words.flatMap((w, i) => {
    if (w === flag && i + 1 < words.length) return [words[i + 1]];
    return w.startsWith(`${flag}=`) ? [w.slice(flag.length + 1)] : [];
  });
}

/** `a=1 b=2` or `{"a": "1"}` of `ansible-playbook -e` (a `@file` is not read). */
function extraVars(value: string): Array<[string, string]> {
  if (value.startsWith('@')) return [];
  if (value.trim().startsWith('{')) {
    try {
      return Object.entries(JSON.parse(value)).flatMap(([k, v]) =>
        typeof v === 'string' ? [[k, v] as [string, string]] : [],
      );
    } catch {
      return [];
    }
  }
  // Space-separated pairs; a GitHub expression in a value keeps its spaces.
  return [...value.matchAll(/([^\s=]+)=((?:\$\{\{[^}]*\}\}|\S)+)/g)].map(m => [
    m[1],
    m[2],
  ]);
}

/**
 * Images a deploy job's commands set: `argocd app set --kustomize-image`, `kustomize edit set
 * image`, `kubectl set image`, Helm `--set`/`--set-string` of `image`, `image.tag` or
 * `image.digest`, and `ansible-playbook -e` variables named `image` or `…_image`. Other ways of deploying (a values file, a manifest in the repository) set no
 * image here; what runs is then read from the cluster.
 */
export function deployImages(job: PipelineJob): DeployImage[] {
  const images: DeployImage[] = [];
  for (const words of job.commands.flatMap(line => {
    try {
      return simpleCommands(line, job.variables);
    } catch {
      return [];
    }
  })) {
    const tool = words.findIndex(w =>
      /(^|\/)(argocd|kustomize|kubectl|helm|ansible-playbook)$/.test(w),
    );
    if (tool === -1) continue;
    const name = words[tool].replace(/^.*\//, '');
    const args = words.slice(tool + 1);
    const argocdSet = indexOfWords(args, ['app', 'set']);
    const kustomizeSet = indexOfWords(args, ['edit', 'set', 'image']);
    const kubectlSet = indexOfWords(args, ['set', 'image']);
    if (name === 'argocd' && argocdSet !== -1) {
      for (const value of flagValues(args, '--kustomize-image')) {
        images.push({
          reference: newImage(value),
          via: 'argocd app set --kustomize-image',
        });
      }
    } else if (name === 'kustomize' && kustomizeSet !== -1) {
      for (const value of args
        .slice(kustomizeSet + 3)
        .filter(a => !a.startsWith('-'))) {
        images.push({
          reference: newImage(value),
          via: 'kustomize edit set image',
        });
      }
    } else if (name === 'kubectl' && kubectlSet !== -1) {
      // kubectl set image <resource> <container>=<image> …
      for (const value of args
        .slice(kubectlSet + 2)
        .filter(a => !a.startsWith('-') && a.includes('='))) {
        images.push({ reference: newImage(value), via: 'kubectl set image' });
      }
    } else if (name === 'ansible-playbook') {
      for (const value of [
        ...flagValues(args, '-e'),
        ...flagValues(args, '--extra-vars'),
      ]) {
        for (const [key, image] of extraVars(value)) {
          if (/(^|_)image$/.test(key) && image) {
            images.push({
              reference: image,
              via: `ansible-playbook -e ${key}`,
            });
          }
        }
      }
    } else if (name === 'helm' && /^(upgrade|install)$/.test(args[0] ?? '')) {
      const sets = [
        ...flagValues(args, '--set'),
        ...flagValues(args, '--set-string'),
      ].flatMap(v => v.split(','));
      for (const set of sets) {
        const [key, value] = [set.slice(0, set.indexOf('=')), newImage(set)];
        if (/(^|\.)image$/.test(key) && value) {
          images.push({ reference: value, via: `helm --set ${key}` });
        } else if (/(^|\.)image\.(tag|digest)$/.test(key) && value) {
          images.push({
            reference: key.endsWith('digest') ? `@${value}` : value,
            tagOnly: true,
            via: `helm --set ${key}`,
          });
        }
      }
    }
  }
  // A reference that is only a variable the file does not define (a CI/CD setting, a shell
  // variable such as the previous image of a rollback) names no image that can be read here.
  return images.filter(
    i => !/^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/.test(i.reference),
  );
}
