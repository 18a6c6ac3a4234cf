import {
  ANNOTATIONS,
  entityRuntime,
  EVIDENCE_OWNER,
  ON_CALL_ANNOTATIONS,
  parseBackupPlan,
  parseDuration,
} from '@production-readiness/plugin-production-readiness-common';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml, parseAllDocuments, stringify } from 'yaml';
import {
  BundleObject,
  checkLogShipping,
  isLogShippingConfig,
  shipsLogs,
} from './validateLogShipping';
import { checkPlaybooks, isPlaybook } from './validateAnsible';
import { findExecutable, runTool } from './runTool';

/** One thing wrong with the bundle, naming the file and the field. @public */
export interface BundleProblem {
  file: string;
  field?: string;
  message: string;
}

/** @public */
export interface BundleValidation {
  problems: BundleProblem[];
  checkedFiles: string[];
  /** What promtool did: ran, or why not. */
  promtool: 'ran' | 'not found' | 'skipped';
  /** What `ansible-playbook --syntax-check` did on the bundle's playbooks: ran, or why not. */
  ansible: 'ran' | 'not found' | 'skipped';
}

const SKIP_DIRS = new Set(['node_modules', '.git', 'dist']);
const MAX_FILES = 5000;
const DNS_LABEL = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
const SAFE_PREFIX = /^(?!\/)(?!.*\.\.)(?!.*%2[eEfF])[A-Za-z0-9._\-/]{1,200}$/;
const CONFIG_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

async function listFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string) => {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      if (found.length >= MAX_FILES) return;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && !SKIP_DIRS.has(entry.name)) {
        await walk(full);
      } else if (entry.isFile()) {
        found.push(path.relative(root, full).split(path.sep).join('/'));
      }
    }
  };
  await walk(root);
  return found.sort();
}

/** Finds promtool: the given path, or the first one on PATH. */
export async function findPromtool(
  explicit?: string,
): Promise<string | undefined> {
  return findExecutable('promtool', explicit);
}

function get(obj: unknown, dotted: string): unknown {
  let current: any = obj;
  for (const key of dotted.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = current[key];
  }
  return current;
}

type Doc = Record<string, any>;

function checkContainers(
  doc: Doc,
  podSpecPath: string,
  report: (field: string, message: string) => void,
  options: { probes: boolean },
) {
  const podSpec = get(doc, podSpecPath) as Doc | undefined;
  const containers = podSpec?.containers;
  if (!Array.isArray(containers) || containers.length === 0) {
    report(`${podSpecPath}.containers`, 'at least one container is required');
    return;
  }
  const podRunAsNonRoot = podSpec?.securityContext?.runAsNonRoot === true;
  containers.forEach((c: Doc, i: number) => {
    const at = `${podSpecPath}.containers[${i}]`;
    if (!c?.name) report(`${at}.name`, 'is required');
    if (typeof c?.image !== 'string' || !c.image) {
      report(`${at}.image`, 'is required');
    } else if (
      !/[:@]/.test(c.image.split('/').pop()!) ||
      c.image.endsWith(':latest')
    ) {
      report(
        `${at}.image`,
        `"${c.image}" must be pinned to a tag or digest, not latest`,
      );
    }
    if (options.probes) {
      if (!c?.readinessProbe) report(`${at}.readinessProbe`, 'is required');
      if (!c?.livenessProbe) report(`${at}.livenessProbe`, 'is required');
    }
    for (const field of [
      'requests.cpu',
      'requests.memory',
      'limits.memory',
      'limits.ephemeral-storage',
    ]) {
      if (
        c?.resources?.[field.split('.')[0]]?.[field.split('.')[1]] === undefined
      ) {
        report(`${at}.resources.${field}`, 'is required');
      }
    }
    const sc = c?.securityContext ?? {};
    if (!(sc.runAsNonRoot === true || podRunAsNonRoot)) {
      report(
        `${at}.securityContext.runAsNonRoot`,
        'must be true (here or on the pod)',
      );
    }
    if (sc.readOnlyRootFilesystem !== true) {
      report(`${at}.securityContext.readOnlyRootFilesystem`, 'must be true');
    }
    if (sc.allowPrivilegeEscalation !== false) {
      report(`${at}.securityContext.allowPrivilegeEscalation`, 'must be false');
    }
    if (sc.privileged === true) {
      report(`${at}.securityContext.privileged`, 'must not be true');
    }
  });
  (podSpec?.volumes ?? []).forEach((v: Doc, i: number) => {
    if (v && 'emptyDir' in v && !v.emptyDir?.sizeLimit) {
      report(
        `${podSpecPath}.volumes[${i}].emptyDir.sizeLimit`,
        'is required: unbounded volumes fill the node disk',
      );
    }
  });
}

/** Required fields of the Kubernetes kinds the bundle contains. */
export function checkKubernetesObject(
  doc: Doc,
  report: (field: string, message: string) => void,
) {
  if (!doc.metadata?.name) report('metadata.name', 'is required');
  const require = (field: string) => {
    const value = get(doc, field);
    if (value === undefined || value === null || value === '') {
      report(field, 'is required');
    }
    return value;
  };
  switch (doc.kind) {
    case 'Deployment': {
      require('spec.selector.matchLabels');
      const replicas = require('spec.replicas');
      if (typeof replicas === 'number' && replicas < 2) {
        report('spec.replicas', `is ${replicas}: at least 2 are required`);
      }
      const strategy = doc.spec?.strategy;
      if (
        strategy?.type === 'Recreate' ||
        strategy?.rollingUpdate?.maxUnavailable !== 0
      ) {
        report('spec.strategy.rollingUpdate.maxUnavailable', 'must be 0');
      }
      const podSpec = doc.spec?.template?.spec;
      if (
        !podSpec?.topologySpreadConstraints?.length &&
        !podSpec?.affinity?.podAntiAffinity
      ) {
        report(
          'spec.template.spec.topologySpreadConstraints',
          'or podAntiAffinity is required',
        );
      }
      checkContainers(doc, 'spec.template.spec', report, { probes: true });
      break;
    }
    case 'DaemonSet': {
      require('spec.selector.matchLabels');
      checkContainers(doc, 'spec.template.spec', report, { probes: true });
      // A node's folders are shared by every pod on it: read them, never write.
      const podSpec = doc.spec?.template?.spec;
      const hostPaths = new Set(
        (podSpec?.volumes ?? [])
          .filter((v: Doc) => v?.hostPath)
          .map((v: Doc) => v.name),
      );
      (podSpec?.containers ?? []).forEach((c: Doc, i: number) =>
        (c?.volumeMounts ?? []).forEach((m: Doc, j: number) => {
          if (hostPaths.has(m?.name) && m.readOnly !== true) {
            report(
              `spec.template.spec.containers[${i}].volumeMounts[${j}].readOnly`,
              `must be true: ${m.name} is a hostPath volume`,
            );
          }
        }),
      );
      break;
    }
    case 'Service':
      require('spec.selector');
      require('spec.ports');
      break;
    case 'PodDisruptionBudget':
      require('spec.selector.matchLabels');
      if (
        doc.spec?.minAvailable === undefined &&
        doc.spec?.maxUnavailable === undefined
      ) {
        report('spec.maxUnavailable', 'or spec.minAvailable is required');
      }
      break;
    case 'HorizontalPodAutoscaler': {
      require('spec.scaleTargetRef.name');
      const min = require('spec.minReplicas');
      if (typeof min === 'number' && min < 2)
        report('spec.minReplicas', 'must be at least 2');
      require('spec.maxReplicas');
      break;
    }
    case 'NetworkPolicy':
      require('spec.podSelector');
      if (!(doc.spec?.policyTypes ?? []).includes('Ingress')) {
        report('spec.policyTypes', 'must include Ingress');
      }
      break;
    case 'CronJob':
      require('spec.schedule');
      if (!doc.metadata?.labels?.['production-readiness.io/purpose']) {
        report(
          'metadata.labels.production-readiness.io/purpose',
          'is required (backup or restore-test)',
        );
      }
      if (
        doc.metadata?.labels?.['production-readiness.io/purpose'] ===
          'backup' &&
        !doc.metadata?.annotations?.[
          EVIDENCE_OWNER.kubernetesBackupOfAnnotation
        ]
      ) {
        report(
          `metadata.annotations.${EVIDENCE_OWNER.kubernetesBackupOfAnnotation}`,
          "is required: the ref of the database it backs up, so its failed runs fail that database's backup.errors",
        );
      }
      checkContainers(doc, 'spec.jobTemplate.spec.template.spec', report, {
        probes: false,
      });
      break;
    case 'ServiceMonitor':
      require('spec.selector');
      require('spec.endpoints');
      break;
    case 'PrometheusRule':
      require('spec.groups');
      break;
    case 'Schedule':
      require('spec.schedule');
      require('spec.template.includedNamespaces');
      require('spec.template.ttl');
      break;
    case 'ConfigMap':
      require('data');
      break;
    default:
      break;
  }
}

function hasControlCharacters(value: string): boolean {
  return [...value].some(
    c => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f,
  );
}

/** Every annotation the Production Readiness checks read, with the values they accept. */
export function checkCatalogEntity(
  doc: Doc,
  report: (field: string, message: string) => void,
) {
  const annotations: Record<string, string> = doc.metadata?.annotations ?? {};
  const field = (key: string) => `metadata.annotations.${key}`;
  const need = (key: string, valid?: (v: string) => string | undefined) => {
    const value = annotations[key];
    if (value === undefined || String(value).trim() === '') {
      report(field(key), 'is missing');
      return;
    }
    if (typeof value !== 'string') {
      report(field(key), 'must be a string');
      return;
    }
    const problem = valid?.(value);
    if (problem) report(field(key), problem);
  };
  if (!doc.spec?.owner) report('spec.owner', 'is required');
  if (doc.kind === 'Component') {
    if (!doc.spec?.lifecycle) report('spec.lifecycle', 'is required');
    if (
      !(doc.spec?.dependsOn ?? []).length &&
      !String(annotations[ANNOTATIONS.keepsNoData] ?? '').trim()
    ) {
      report(
        'spec.dependsOn',
        `or metadata.annotations.${ANNOTATIONS.keepsNoData} is required: say where the service's data lives, or that it keeps none`,
      );
    }
    // A service on VMs is found by its hosts' node_exporter targets, not in a cluster.
    if (entityRuntime(doc as Parameters<typeof entityRuntime>[0]) !== 'vm') {
      need(ANNOTATIONS.kubernetesId, v =>
        DNS_LABEL.test(v) ? undefined : 'must be a DNS label',
      );
      need(ANNOTATIONS.kubernetesNamespace, v =>
        DNS_LABEL.test(v) ? undefined : 'must be a DNS label',
      );
    }
    need(ANNOTATIONS.techdocsRef);
    need(ANNOTATIONS.prometheusService, v =>
      hasControlCharacters(v) || v.length > 200
        ? 'must be one short line'
        : undefined,
    );
    if (annotations[ANNOTATIONS.prometheusInstance] !== undefined) {
      need(ANNOTATIONS.prometheusInstance, v =>
        CONFIG_NAME.test(v)
          ? undefined
          : 'must name an instance from app-config, not a URL',
      );
    }
    if (annotations[ANNOTATIONS.logStore] !== undefined) {
      need(ANNOTATIONS.logStore, v =>
        CONFIG_NAME.test(v)
          ? undefined
          : 'must name a log store from app-config, not a URL',
      );
    }
    if (annotations[ANNOTATIONS.logRetention] !== undefined) {
      need(ANNOTATIONS.logRetention, v =>
        parseDuration(v) === undefined
          ? 'must be a duration such as 30d'
          : undefined,
      );
    }
    need(ANNOTATIONS.runbook, v =>
      /^https?:\/\/\S+$/.test(v) ? undefined : 'must be an http(s) URL',
    );
    if (!ON_CALL_ANNOTATIONS.some(k => annotations[k])) {
      report(
        field(ANNOTATIONS.onCall),
        `is missing (or one of ${ON_CALL_ANNOTATIONS.join(', ')})`,
      );
    }
    need(ANNOTATIONS.alertReceiver);
    need(ANNOTATIONS.slo, v => {
      try {
        const slo = parseYaml(v);
        const availability = slo?.availability;
        if (
          typeof availability !== 'number' ||
          availability <= 0 ||
          availability >= 100
        ) {
          return 'availability must be a percentage such as 99.9';
        }
        if (
          slo.latencyP99 !== undefined &&
          parseDuration(String(slo.latencyP99)) === undefined
        ) {
          return 'latencyP99 must be a duration such as 300ms';
        }
        return undefined;
      } catch (e) {
        return `is not valid YAML: ${(e as Error).message.split('\n')[0]}`;
      }
    });
  }
  const holdsData =
    (doc.kind === 'Resource' && doc.spec?.type === 'database') ||
    annotations[ANNOTATIONS.backupLocation] !== undefined;
  if (holdsData) {
    need(ANNOTATIONS.backupLocation, v =>
      CONFIG_NAME.test(v)
        ? undefined
        : 'must name a location from app-config, not a URL',
    );
    need(ANNOTATIONS.backupPrefix, v =>
      SAFE_PREFIX.test(v)
        ? undefined
        : 'must be a relative folder without ".." or a leading "/"',
    );
    need(ANNOTATIONS.backupTool, v =>
      ['pgbackrest', 'wal-g', 'velero', 'dump'].includes(v)
        ? undefined
        : 'must be pgbackrest, wal-g, velero or dump',
    );
    need(ANNOTATIONS.restoreTestPrefix, v =>
      SAFE_PREFIX.test(v)
        ? undefined
        : 'must be a relative folder without ".." or a leading "/"',
    );
    const plan = parseBackupPlan(annotations);
    if (!plan.ok) report(field(ANNOTATIONS.backupPlan), plan.error);
  }
}

function reporter(problems: BundleProblem[], file: string) {
  return (field: string, message: string) => {
    problems.push({ file, field, message });
  };
}

const runPromtool = (promtool: string, args: string[], cwd: string) =>
  runTool(promtool, args, { cwd });

/**
 * Validates a rendered bundle in `root`: every YAML/JSON file parses, Kubernetes objects carry
 * the fields the checks need, Prometheus rules pass `promtool check rules` and their unit tests
 * `promtool test rules` (when promtool is installed), catalog entities carry every annotation,
 * every workload's logs are shipped and the shipper labels them with the service the logging
 * checks look up.
 *
 * @public
 */
export async function validateBundle(
  root: string,
  options: {
    promtoolPath?: string;
    promtool?: 'auto' | 'required' | 'skip';
    /** The same for `ansible-playbook --syntax-check` on Ansible playbooks. */
    ansible?: 'auto' | 'required' | 'skip';
    /**
     * Validate only these files (relative to `root`), e.g. the ones a render step added to an
     * existing repository; problems in the repository's own files are not this task's to fix.
     */
    files?: string[];
  } = {},
): Promise<BundleValidation> {
  const problems: BundleProblem[] = [];
  const only = options.files && new Set(options.files);
  const files = (await listFiles(root)).filter(f => !only || only.has(f));
  for (const missing of [...(only ?? [])].filter(f => !files.includes(f))) {
    problems.push({ file: missing, message: 'is not in the workspace' });
  }
  const checked: string[] = [];
  const ruleFiles: string[] = [];
  const ruleTests: string[] = [];
  const crdRules: Array<{ file: string; groups: unknown }> = [];
  const playbooks: string[] = [];
  let catalogEntities = 0;
  const logShipping = {
    configs: [] as BundleObject[],
    workloads: [] as BundleObject[],
    components: [] as Doc[],
  };

  for (const file of files) {
    const full = path.join(root, file);
    if (/\.json$/i.test(file)) {
      checked.push(file);
      try {
        JSON.parse(await fs.readFile(full, 'utf8'));
      } catch (e) {
        problems.push({
          file,
          message: `invalid JSON: ${(e as Error).message}`,
        });
      }
      continue;
    }
    if (!/\.ya?ml$/i.test(file)) continue;
    checked.push(file);
    const docs = parseAllDocuments(await fs.readFile(full, 'utf8'));
    if (!Array.isArray(docs)) continue; // an empty file
    for (const [index, parsedDoc] of docs.entries()) {
      const where = docs.length > 1 ? `${file} (document ${index + 1})` : file;
      if (parsedDoc.errors.length) {
        for (const error of parsedDoc.errors) {
          problems.push({
            file: where,
            message: `invalid YAML: ${error.message.split('\n')[0]}`,
          });
        }
        continue;
      }
      const doc = parsedDoc.toJS() as Doc | null;
      if (isPlaybook(doc)) playbooks.push(file);
      if (!doc || typeof doc !== 'object' || Array.isArray(doc)) continue;
      const report = reporter(problems, where);
      if (typeof doc.apiVersion === 'string' && typeof doc.kind === 'string') {
        if (doc.apiVersion.startsWith('kustomize.config.k8s.io/')) {
          if (!Array.isArray(doc.resources)) report('resources', 'is required');
        } else if (doc.apiVersion.startsWith('backstage.io/')) {
          if (doc.kind === 'Component' || doc.kind === 'Resource') {
            catalogEntities++;
            checkCatalogEntity(doc, report);
          }
          if (doc.kind === 'Component') logShipping.components.push(doc);
        } else {
          checkKubernetesObject(doc, report);
          if (isLogShippingConfig(doc)) {
            logShipping.configs.push({ file, doc, report });
          }
          if (shipsLogs(doc)) logShipping.workloads.push({ file, doc, report });
          if (
            doc.kind === 'PrometheusRule' &&
            Array.isArray(doc.spec?.groups)
          ) {
            crdRules.push({ file: where, groups: doc.spec.groups });
          }
        }
      } else if (Array.isArray(doc.groups)) {
        ruleFiles.push(file);
      } else if (Array.isArray(doc.rule_files) && Array.isArray(doc.tests)) {
        ruleTests.push(file);
      }
    }
  }
  if (files.includes('catalog-info.yaml') && catalogEntities === 0) {
    problems.push({
      file: 'catalog-info.yaml',
      message: 'holds no Component or Resource',
    });
  }

  problems.push(...(await checkLogShipping(root, logShipping)));

  let promtoolState: BundleValidation['promtool'] = 'skipped';
  if (
    options.promtool !== 'skip' &&
    (ruleFiles.length || ruleTests.length || crdRules.length)
  ) {
    const promtool = await findPromtool(options.promtoolPath);
    if (!promtool) {
      promtoolState = 'not found';
      if (options.promtool === 'required') {
        problems.push({
          file: ruleFiles[0] ?? ruleTests[0] ?? crdRules[0].file,
          message: 'promtool is required but was not found',
        });
      }
    } else {
      promtoolState = 'ran';
      for (const file of ruleFiles) {
        const output = await runPromtool(
          promtool,
          ['check', 'rules', path.join(root, file)],
          root,
        );
        if (output)
          problems.push({
            file,
            message: `promtool check rules failed: ${output}`,
          });
      }
      if (crdRules.length) {
        const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'blm-rules-'));
        try {
          for (const [i, { file, groups }] of crdRules.entries()) {
            const out = path.join(tmp, `rules-${i}.yaml`);
            await fs.writeFile(out, stringify({ groups }));
            const output = await runPromtool(
              promtool,
              ['check', 'rules', out],
              tmp,
            );
            if (output) {
              problems.push({
                file,
                field: 'spec.groups',
                message: `promtool check rules failed: ${output}`,
              });
            }
          }
        } finally {
          await fs.rm(tmp, { recursive: true, force: true });
        }
      }
      for (const file of ruleTests) {
        const dir = path.join(root, path.dirname(file));
        const output = await runPromtool(
          promtool,
          ['test', 'rules', path.basename(file)],
          dir,
        );
        if (output)
          problems.push({
            file,
            message: `promtool test rules failed: ${output}`,
          });
      }
    }
  }
  const ansible = await checkPlaybooks(
    root,
    playbooks,
    options.ansible ?? 'auto',
  );
  problems.push(...ansible.problems);
  return {
    problems,
    checkedFiles: checked,
    promtool: promtoolState,
    ansible: ansible.state,
  };
}

/** `file: field: message`, one per line. @public */
export function formatProblems(problems: BundleProblem[]): string {
  return problems
    .map(p => `${p.file}: ${p.field ? `${p.field}: ` : ''}${p.message}`)
    .join('\n');
}
