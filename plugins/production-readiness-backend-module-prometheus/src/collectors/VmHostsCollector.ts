import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  ANNOTATIONS,
  entityRuntime,
  EVIDENCE_OWNER,
  ROTATION_METRICS,
} from '@production-readiness/plugin-production-readiness-common';
import {
  CollectedFacts,
  CollectorContext,
  createFactCollectorRef,
  describeError,
  EvidenceClaim,
  FactCollector,
  FactsEnvelope,
  factsEnvelope,
} from '@production-readiness/plugin-production-readiness-node';
import { PrometheusModuleConfig } from '../config';
import { queryVectors, VectorSample } from '../upstream/parseVector';
import {
  createUpstreamClients,
  UpstreamClient,
} from '../upstream/UpstreamClient';
import { LabelMatcher } from '../promql/promql';
import {
  DiskFillAlert,
  readDiskFillAlert,
  selectsHost,
} from '../promql/diskFillAlerts';
import { parseRulesResponse } from '../promql/rules';
import { resolveEntityTarget } from './facts';

/** Id of the collector; the VM checks read it with `context.facts(VM_HOSTS_COLLECTOR_ID)`. */
export const VM_HOSTS_COLLECTOR_ID = 'vm-hosts';

/** One VM host as Prometheus sees it. */
export interface VmHostFact {
  /** The `instance` label of its node_exporter target. */
  host: string;
  /** node_exporter's `node_uname_info` is there: the host is scraped by a node_exporter. */
  nodeExporter: boolean;
  /** `up` of its targets: false when one of them is down; undefined when none is a target. */
  up?: boolean;
  /** Unix seconds of the last successful logrotate run, when the metric is exported. */
  lastRotation?: number;
  files: Array<{ file: string; bytes: number }>;
  /** The target labels of its node_exporter (`instance`, `job` and static labels). */
  labels: Record<string, string>;
  /** Healthy disk-fill alerts (`group/name`) whose free-space selectors select this host. */
  diskFillAlerts: string[];
  /** Disk-fill alerts that select this host but fail to evaluate. */
  brokenDiskFillAlerts: string[];
  /**
   * Units reported by node_exporter's systemd collector in a state other than inactive, by
   * name; undefined when the host exports no unit state at all (collector off).
   */
  units?: Record<string, string>;
}

/** What the rules of the instance show about disk-fill alerts, for every host. */
export interface DiskFillRulesFact {
  /** Why the rules could not be read; the other facts stand. */
  error?: string;
  /** Rules naming a free-space metric that the PromQL grammar cannot read. */
  unreadable: Array<{ rule: string; error: string }>;
}

/** What Prometheus shows of one entity's VM hosts. */
export interface VmHostsRead {
  instance: string;
  /** How the hosts were found, e.g. `production-readiness.io/vm-hosts` or `job=orders-api`. */
  how: string;
  hosts: VmHostFact[];
  /** The systemd units the service runs as, e.g. `invoice-batch.service`. */
  units: string[];
  diskFillRules: DiskFillRulesFact;
}

/**
 * What the collector knows about one entity's VM hosts: what Prometheus shows, or what the
 * entity must declare (`unconfigured` with verdict `fail`: the VM checks fail closed).
 */
export type VmHostsFacts = FactsEnvelope<VmHostsRead>;

/** The typed handle the VM checks read the hosts with. */
export const VM_HOSTS_FACTS = createFactCollectorRef<VmHostsFacts>({
  id: VM_HOSTS_COLLECTOR_ID,
});

/** What a host name may be: an `instance` label value such as `vm-1.example.com:9100`. */
const HOST = /^[A-Za-z0-9_.:[\]-]{1,253}$/;

/** What a systemd unit name may be. */
const UNIT = /^[A-Za-z0-9:_.\\@-]{1,255}$/;

/** Labels `node_uname_info` adds to the target's: the rest are the host's target labels. */
const UNAME_LABELS = [
  '__name__',
  'domainname',
  'machine',
  'nodename',
  'release',
  'sysname',
  'version',
];

const QUERIES = [
  'node_uname_info',
  'up',
  ROTATION_METRICS.lastSuccess,
  ROTATION_METRICS.fileBytes,
  // Inactive units are most of them: leave them out, a unit not listed is not active.
  'node_systemd_unit_state{state!="inactive"} == 1',
];

/**
 * The VM hosts of entities that declare `production-readiness.io/runtime: vm`, from their
 * Prometheus instance: five queries and one read of `/api/v1/rules` per instance and refresh for
 * the whole fleet (node_exporter's `node_uname_info`, `up`, the two logrotate textfile metrics,
 * the systemd units not inactive; the disk-fill alerts), matched to each entity's hosts in
 * memory. Annotation values are never put into a query.
 */
export class VmHostsCollector implements FactCollector<VmHostsFacts> {
  readonly id = VM_HOSTS_COLLECTOR_ID;
  readonly title = 'VM hosts (Prometheus)';

  private constructor(
    private readonly config: PrometheusModuleConfig,
    private readonly clients: Map<string, UpstreamClient>,
  ) {}

  static create(options: { config: PrometheusModuleConfig }): VmHostsCollector {
    return new VmHostsCollector(
      options.config,
      createUpstreamClients(options.config),
    );
  }

  appliesTo(entity: Entity): boolean {
    return entityRuntime(entity) === 'vm';
  }

  async collect(
    entities: Entity[],
    context: CollectorContext,
  ): Promise<CollectedFacts<VmHostsFacts>> {
    const facts = new Map<string, VmHostsFacts>();
    const errors = new Map<string, string>();
    const claims = new Map<string, EvidenceClaim[]>();
    const byInstance = new Map<
      string,
      Array<{
        ref: string;
        declared?: string[];
        service: string;
        units: string[];
        unitsFrom: string;
      }>
    >();
    for (const entity of entities) {
      const ref = stringifyEntityRef(entity);
      const resolved = resolveEntityTarget(entity, this.config);
      if (!resolved.ok) {
        const { reason, remediation } = resolved.problem;
        facts.set(ref, factsEnvelope.unconfigured(reason, remediation, 'fail'));
        continue;
      }
      const text = entity.metadata.annotations?.[ANNOTATIONS.vmHosts];
      const declared = text
        ?.split(',')
        .map(h => h.trim())
        .filter(Boolean);
      const invalid = declared?.find(h => !HOST.test(h));
      if (declared && (!declared.length || invalid !== undefined)) {
        facts.set(
          ref,
          factsEnvelope.unconfigured(
            `Annotation ${ANNOTATIONS.vmHosts} ${
              invalid !== undefined
                ? `names ${JSON.stringify(
                    invalid.slice(0, 80),
                  )}, which is not an instance label value (host or host:port)`
                : 'is empty'
            }`,
            `Set ${ANNOTATIONS.vmHosts} to the instance labels of the hosts' node_exporter targets, comma-separated, e.g. vm-1.example.com:9100,vm-2.example.com:9100.`,
            'fail',
          ),
        );
        continue;
      }
      const units = readUnits(entity);
      if (!units.ok) {
        facts.set(
          ref,
          factsEnvelope.unconfigured(
            units.reason,
            `Set ${ANNOTATIONS.systemdUnit} to the service's systemd units, comma-separated, e.g. ${entity.metadata.name}.service.`,
            'fail',
          ),
        );
        continue;
      }
      const { instance, service } = resolved.target;
      byInstance.set(instance, [
        ...(byInstance.get(instance) ?? []),
        {
          ref,
          declared,
          service,
          units: units.units,
          unitsFrom: units.from,
        },
      ]);
    }
    await Promise.all(
      [...byInstance].map(async ([instanceName, wanted]) => {
        const client = this.clients.get(instanceName)!;
        const serviceLabel =
          this.config.instances.get(instanceName)!.serviceLabel;
        try {
          const [[uname, up, rotations, files, units], rules] =
            await Promise.all([
              queryVectors(client, QUERIES, context.signal),
              readDiskFillRules(client, context.signal),
            ]);
          const byHost = {
            uname: byInstanceLabel(uname),
            up: byInstanceLabel(up),
            rotations: byInstanceLabel(rotations),
            files: byInstanceLabel(files),
            units: byInstanceLabel(units),
          };
          for (const w of wanted) {
            const hosts =
              w.declared ??
              hostsLabelledFor(uname, serviceLabel, w.service, w.ref);
            facts.set(
              w.ref,
              factsEnvelope.ok({
                instance: instanceName,
                how: w.declared
                  ? ANNOTATIONS.vmHosts
                  : `node_exporter targets with ${serviceLabel}=${JSON.stringify(
                      w.service,
                    )} or ${EVIDENCE_OWNER.prometheusLabel}=${JSON.stringify(
                      w.ref,
                    )}`,
                hosts: hosts.map(host => hostFact(host, byHost, rules.alerts)),
                units: w.units,
                diskFillRules: rules.fact,
              }),
            );
            // Hosts may be shared by several services; a unit on a host is one service's.
            claims.set(
              w.ref,
              hosts.flatMap(host =>
                w.units.map(unit => ({
                  kind: 'vm-systemd-unit',
                  id: `${instanceName}/${host}/${unit}`,
                  how: `${w.unitsFrom} ${unit} on ${host}`,
                  settle: `Give each entity its own systemd unit (${ANNOTATIONS.systemdUnit}) on a shared host: one unit runs one service.`,
                })),
              ),
            );
          }
        } catch (error) {
          for (const w of wanted) errors.set(w.ref, describeError(error));
        }
      }),
    );
    return { facts, errors, claims };
  }
}

/** The units of the entity: its annotation, or `<name>.service`. */
function readUnits(
  entity: Entity,
): { ok: true; units: string[]; from: string } | { ok: false; reason: string } {
  const text = entity.metadata.annotations?.[ANNOTATIONS.systemdUnit];
  if (text === undefined) {
    return {
      ok: true,
      units: [`${entity.metadata.name}.service`],
      from: 'the default unit',
    };
  }
  const names = text
    .split(',')
    .map(u => u.trim())
    .filter(Boolean);
  const invalid = names.find(u => !UNIT.test(u));
  if (!names.length || invalid !== undefined) {
    return {
      ok: false,
      reason: `Annotation ${ANNOTATIONS.systemdUnit} ${
        invalid !== undefined
          ? `names ${JSON.stringify(
              invalid.slice(0, 80),
            )}, which is not a systemd unit name`
          : 'is empty'
      }`,
    };
  }
  return {
    ok: true,
    units: names.map(u => (u.includes('.') ? u : `${u}.service`)),
    from: ANNOTATIONS.systemdUnit,
  };
}

/**
 * The instance's disk-fill alerts, read once for every host. A failure to read the rules is
 * kept as a fact, so that the other VM checks still judge.
 */
async function readDiskFillRules(
  client: UpstreamClient,
  signal: AbortSignal,
): Promise<{
  alerts: Array<
    Extract<DiskFillAlert, { kind: 'alert' }> & { healthy: boolean }
  >;
  fact: DiskFillRulesFact;
}> {
  let rules;
  try {
    rules = parseRulesResponse(await client.getJson('/api/v1/rules', signal));
  } catch (error) {
    return {
      alerts: [],
      fact: { error: describeError(error), unreadable: [] },
    };
  }
  const alerts = [];
  const unreadable = [];
  for (const rule of rules) {
    const read = readDiskFillAlert(rule);
    if (read.kind === 'alert') {
      alerts.push({ ...read, healthy: rule.health !== 'err' });
    } else if (read.kind === 'unparsed') {
      unreadable.push({ rule: read.rule, error: read.error });
    }
  }
  return { alerts, fact: { unreadable } };
}

/** node_exporter targets labelled with the service value or naming the entity. */
function hostsLabelledFor(
  uname: VectorSample[],
  serviceLabel: string,
  service: string,
  ref: string,
): string[] {
  return [
    ...new Set(
      uname
        .filter(
          s =>
            s.metric[serviceLabel] === service ||
            s.metric[EVIDENCE_OWNER.prometheusLabel] === ref,
        )
        .map(s => s.metric.instance)
        .filter((i): i is string => Boolean(i)),
    ),
  ].sort();
}

/** Samples grouped by their `instance` label, once per answer. */
function byInstanceLabel(samples: VectorSample[]): Map<string, VectorSample[]> {
  const grouped = new Map<string, VectorSample[]>();
  for (const sample of samples) {
    const instance = sample.metric.instance ?? '';
    const group = grouped.get(instance) ?? [];
    group.push(sample);
    grouped.set(instance, group);
  }
  return grouped;
}

function hostFact(
  host: string,
  byHost: Record<
    'uname' | 'up' | 'rotations' | 'files' | 'units',
    Map<string, VectorSample[]>
  >,
  alerts: Array<{
    rule: string;
    healthy: boolean;
    selectors: LabelMatcher[][];
  }>,
): VmHostFact {
  const of = (answer: keyof typeof byHost) => byHost[answer].get(host) ?? [];
  const ups = of('up');
  const rotations = of('rotations').map(s => s.value);
  const uname = of('uname')[0]?.metric ?? { instance: host };
  const labels = Object.fromEntries(
    Object.entries(uname).filter(([name]) => !UNAME_LABELS.includes(name)),
  );
  const covering = alerts.filter(a =>
    a.selectors.some(selector => selectsHost(selector, labels)),
  );
  const units = of('units');
  return {
    host,
    nodeExporter: of('uname').length > 0,
    ...(ups.length ? { up: ups.every(s => s.value === 1) } : {}),
    ...(rotations.length ? { lastRotation: Math.max(...rotations) } : {}),
    files: of('files')
      .filter(s => s.metric.file)
      .map(s => ({ file: s.metric.file, bytes: s.value }))
      .sort((a, b) => a.file.localeCompare(b.file)),
    labels,
    diskFillAlerts: covering.filter(a => a.healthy).map(a => a.rule),
    brokenDiskFillAlerts: covering.filter(a => !a.healthy).map(a => a.rule),
    ...(units.length
      ? {
          units: Object.fromEntries(
            units
              .filter(s => s.metric.name)
              .map(s => [s.metric.name, s.metric.state ?? '']),
          ),
        }
      : {}),
  };
}
