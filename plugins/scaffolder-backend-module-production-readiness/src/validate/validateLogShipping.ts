import {
  EVIDENCE_OWNER,
  readLogService,
} from '@production-readiness/plugin-production-readiness-common';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { LOG_SHIPPING_PURPOSE } from '../render/renderLogging';
import type { BundleProblem } from './validateBundle';

type Doc = Record<string, any>;
type Report = (field: string, message: string) => void;

/** A Kubernetes object of the bundle: the file it is in, and where to report its problems. */
export interface BundleObject {
  file: string;
  doc: Doc;
  report: Report;
}

/** Attributes a store's service field or label is read from (VictoriaLogs, Loki). */
const SERVICE_ATTRIBUTES = ['service', 'service.name'];
const LOG_SHIPPING_FILE = 'log-shipping.yaml';
const CATALOG_FILE = 'catalog-info.yaml';

/** The log shipper's collector config: a ConfigMap labelled with the log-shipping purpose. */
export function isLogShippingConfig(doc: Doc): boolean {
  return (
    doc.kind === 'ConfigMap' &&
    doc.metadata?.labels?.['production-readiness.io/purpose'] ===
      LOG_SHIPPING_PURPOSE
  );
}

/** A workload whose container logs must reach the log store. */
export function shipsLogs(doc: Doc): boolean {
  return doc.kind === 'Deployment' || doc.kind === 'StatefulSet';
}

const defines = (section: unknown, id: string): boolean =>
  section !== null && typeof section === 'object' && id in section;

const ids = (list: unknown): string[] =>
  Array.isArray(list) ? list.filter(i => typeof i === 'string') : [];

/** The value(s) a pipeline's resource/attributes processors give the service attribute. */
function serviceValues(
  config: Doc,
  processors: string[],
): Array<{ at: string; key: string; value: unknown }> {
  return processors
    .filter(id => /^(resource|attributes)(\/|$)/.test(id))
    .flatMap(id =>
      (Array.isArray(config.processors?.[id]?.attributes)
        ? (config.processors[id].attributes as Doc[])
        : []
      )
        .filter(
          a =>
            SERVICE_ATTRIBUTES.includes(a?.key) &&
            ['insert', 'upsert', 'update'].includes(a?.action),
        )
        .map(a => ({ at: `processors.${id}`, key: a.key, value: a.value })),
    );
}

/**
 * Checks one collector config: a logs pipeline from a filelog receiver to an exporter, which
 * sets the service attribute to the value the logging checks look the entity's lines up under.
 */
export function checkCollectorConfig(
  config: Doc,
  expected: { value: string; source: string; entityRef: string } | undefined,
  report: (message: string) => void,
) {
  const pipelines = Object.entries(config.service?.pipelines ?? {}).filter(
    ([id]) => id === 'logs' || id.startsWith('logs/'),
  );
  let shipping = 0;
  for (const [id, pipeline] of pipelines as Array<[string, Doc]>) {
    const at = `service.pipelines.${id}`;
    for (const section of ['receivers', 'processors', 'exporters']) {
      for (const ref of ids(pipeline?.[section])) {
        if (!defines(config[section], ref)) {
          report(`${at}.${section}: "${ref}" is not defined under ${section}`);
        }
      }
    }
    const fileLogs = ids(pipeline?.receivers).filter(
      r => /^filelog(\/|$)/.test(r) && defines(config.receivers, r),
    );
    const exporters = ids(pipeline?.exporters).filter(e =>
      defines(config.exporters, e),
    );
    if (!fileLogs.length || !exporters.length) continue;
    shipping++;
    for (const receiver of fileLogs) {
      if (!ids(config.receivers[receiver]?.include).length) {
        report(`receivers.${receiver}.include: names no log files`);
      }
    }
    const values = serviceValues(config, ids(pipeline.processors));
    if (!values.length) {
      report(
        `${at}: sets no ${SERVICE_ATTRIBUTES.join(
          ' or ',
        )} attribute (resource or attributes processor), so the store cannot tell this service's lines from the others'`,
      );
    }
    for (const { at: where, key, value } of values) {
      if (expected && value !== expected.value) {
        report(
          `${where}: sets ${key} to ${JSON.stringify(
            value,
          )}, but the logging checks look up the lines of ${
            expected.entityRef
          } under ${JSON.stringify(expected.value)} (${expected.source})`,
        );
      }
    }
  }
  if (!shipping) {
    report(
      'service.pipelines: no logs pipeline from a filelog receiver to an exporter',
    );
  }
}

function entityRef(doc: Doc): string {
  return `${String(doc.kind).toLocaleLowerCase('en-US')}:${
    doc.metadata?.namespace ?? 'default'
  }/${doc.metadata?.name}`;
}

/** The bundle's Components; when none was validated, those of its catalog-info.yaml. */
async function components(root: string, validated: Doc[]): Promise<Doc[]> {
  if (validated.length) return validated;
  try {
    const text = await fs.readFile(path.join(root, CATALOG_FILE), 'utf8');
    return parseAllDocuments(text)
      .map(d => d.toJS() as Doc | null)
      .filter((d): d is Doc => d?.kind === 'Component');
  } catch {
    return [];
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * Log shipping of the bundle: every collector config it holds, and a shipper next to every
 * Deployment or StatefulSet (in the validated files, or already in the repository).
 */
export async function checkLogShipping(
  root: string,
  bundle: {
    configs: BundleObject[];
    workloads: BundleObject[];
    components: Doc[];
  },
): Promise<BundleProblem[]> {
  const problems: BundleProblem[] = [];
  const catalog = await components(root, bundle.components);
  for (const { doc, report } of bundle.configs) {
    const owner =
      doc.metadata?.annotations?.[EVIDENCE_OWNER.kubernetesAnnotation];
    const component =
      catalog.find(c => entityRef(c) === owner) ??
      (catalog.length === 1 ? catalog[0] : undefined);
    const expected = component && {
      ...readLogService({ metadata: component.metadata }),
      entityRef: entityRef(component),
    };
    const entries = Object.entries(doc.data ?? {}).flatMap(([key, text]) => {
      if (!/\.ya?ml$/.test(key) || typeof text !== 'string') return [];
      try {
        const config = parseYaml(text);
        return config?.service?.pipelines ? [{ key, config }] : [];
      } catch (e) {
        report(
          `data.${key}`,
          `is not valid YAML: ${(e as Error).message.split('\n')[0]}`,
        );
        return [];
      }
    });
    if (!entries.length) {
      report('data', 'holds no collector config (YAML with service.pipelines)');
    }
    for (const { key, config } of entries) {
      checkCollectorConfig(config, expected, message =>
        report(`data.${key}`, message),
      );
    }
  }
  const shipped = new Set(bundle.configs.map(c => path.posix.dirname(c.file)));
  for (const { file, doc } of bundle.workloads) {
    const dir = path.posix.dirname(file);
    if (shipped.has(dir)) continue;
    const expectedFile = path.posix.join(dir, LOG_SHIPPING_FILE);
    if (await exists(path.join(root, expectedFile))) continue;
    problems.push({
      file: expectedFile,
      message: `is missing: nothing ships the logs of ${doc.kind} ${doc.metadata?.name} (${file}) to the log store, so logging.logs-in-store fails`,
    });
  }
  return problems;
}
