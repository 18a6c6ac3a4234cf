import { EVIDENCE_OWNER } from '@production-readiness/plugin-production-readiness-common';
import {
  RenderContext,
  RenderedFile,
  promqlString,
  yamlDocuments,
} from './context';

/** PascalCase prefix of alert names: `orders-api` → `OrdersApi`. */
export function alertPrefix(name: string): string {
  return name
    .split('-')
    .map(part => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** Rounds away binary noise so objectives read as written (0.999, not 0.9990000000000001). */
function ratio(value: number): number {
  return Number(value.toFixed(8));
}

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

interface RuleGroup {
  name: string;
  rules: Rule[];
}

const SLO_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'];

/** Multi-window, multi-burn-rate pairs (Google SRE workbook): [short, long, factor]. */
const PAGE_WINDOWS: Array<[string, string, number]> = [
  ['5m', '1h', 14.4],
  ['30m', '6h', 6],
];
const TICKET_WINDOWS: Array<[string, string, number]> = [
  ['2h', '1d', 3],
  ['6h', '3d', 1],
];

export function latencyBucket(ctx: RenderContext): string {
  // prom-client writes `le` with JavaScript's number formatting, e.g. 0.3.
  return String(ctx.o.sloLatencyMs / 1000);
}

export function ruleGroups(ctx: RenderContext): RuleGroup[] {
  const { o } = ctx;
  const job = promqlString(o.name);
  const ns = promqlString(ctx.namespace);
  const prefix = alertPrefix(o.name);
  const routing = { team: ctx.team, service: o.name };
  const runbook = o.runbookUrl;
  const memoryLimitBytes = 256 * 1024 * 1024;
  // On VMs the service writes to its hosts' filesystems, labelled with its entity ref by the
  // scrape config the inventory describes; on Kubernetes, to its volumes and container layer.
  const diskRules: Rule[] =
    o.runtime === 'vm'
      ? [
          {
            alert: `${prefix}HostDiskWillFill`,
            expr: `predict_linear(node_filesystem_avail_bytes{${
              EVIDENCE_OWNER.prometheusLabel
            }=${promqlString(
              ctx.entityRef,
            )},fstype!~"tmpfs|overlay|squashfs"}[6h], 24 * 3600) < 0`,
            for: '30m',
            labels: { severity: 'warning', ...routing },
            annotations: {
              summary: `${o.name}: a filesystem of {{ $labels.instance }} fills within a day`,
              runbook_url: `${runbook}#disk-fill`,
            },
          },
        ]
      : [
          {
            alert: `${prefix}VolumeWillFill`,
            expr: `predict_linear(kubelet_volume_stats_available_bytes{namespace=${ns}}[6h], 24 * 3600) < 0`,
            for: '30m',
            labels: { severity: 'warning', ...routing },
            annotations: {
              summary: `${o.name}: a volume in namespace ${ctx.namespace} fills within a day`,
              runbook_url: `${runbook}#disk-fill`,
            },
          },
          {
            alert: `${prefix}EphemeralStorageWillFill`,
            expr: `predict_linear(container_fs_usage_bytes{namespace=${ns},container=${job}}[1h], 6 * 3600) > 256 * 1024 * 1024`,
            for: '30m',
            labels: { severity: 'warning', ...routing },
            annotations: {
              summary: `${o.name}: container disk usage reaches its ephemeral-storage limit within 6h`,
              runbook_url: `${runbook}#disk-fill`,
            },
          },
        ];
  const baseline: Rule[] = [
    {
      alert: `${prefix}TargetDown`,
      expr: `up{job=${job}} == 0`,
      for: '2m',
      labels: { severity: 'critical', ...routing },
      annotations: {
        summary: `${o.name}: a scrape target is down`,
        runbook_url: `${runbook}#target-down`,
      },
    },
    {
      alert: `${prefix}Absent`,
      expr: `absent(up{job=${job}})`,
      for: '10m',
      labels: { severity: 'critical', ...routing },
      annotations: {
        summary: `${o.name}: Prometheus finds no target`,
        runbook_url: `${runbook}#target-down`,
      },
    },
    {
      alert: `${prefix}HighErrorRate`,
      expr: `sum(rate(http_requests_total{job=${job},code=~"5.."}[5m])) / sum(rate(http_requests_total{job=${job}}[5m])) > 0.05`,
      for: '5m',
      labels: { severity: 'critical', ...routing },
      annotations: {
        summary: `${o.name}: more than 5% of requests fail`,
        runbook_url: `${runbook}#error-rate`,
      },
    },
    {
      alert: `${prefix}HighLatency`,
      expr: `histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{job=${job}}[5m]))) > ${
        (o.sloLatencyMs / 1000) * 2
      }`,
      for: '10m',
      labels: { severity: 'warning', ...routing },
      annotations: {
        summary: `${o.name}: p99 latency above twice the SLO threshold`,
        runbook_url: `${runbook}#latency`,
      },
    },
    {
      alert: `${prefix}CpuSaturated`,
      expr: `max(rate(process_cpu_seconds_total{job=${job}}[5m])) > 0.9`,
      for: '15m',
      labels: { severity: 'warning', ...routing },
      annotations: {
        summary: `${o.name}: a replica uses more than 0.9 CPU`,
        runbook_url: `${runbook}#saturation`,
      },
    },
    {
      alert: `${prefix}MemorySaturated`,
      expr: `max(process_resident_memory_bytes{job=${job}}) > ${Math.round(
        memoryLimitBytes * 0.9,
      )}`,
      for: '15m',
      labels: { severity: 'warning', ...routing },
      annotations: {
        summary: `${o.name}: a replica uses more than 90% of its memory limit`,
        runbook_url: `${runbook}#saturation`,
      },
    },
    ...diskRules,
  ];
  const groups: RuleGroup[] = [{ name: `${o.name}-baseline`, rules: baseline }];
  const slos = [
    {
      slo: 'availability',
      objective: o.sloAvailability,
      errorExpr: (w: string) =>
        `sum(rate(http_requests_total{job=${job},code=~"5.."}[${w}])) / sum(rate(http_requests_total{job=${job}}[${w}]))`,
    },
    {
      slo: 'latency',
      objective: o.sloLatencyObjective,
      errorExpr: (w: string) =>
        `1 - (sum(rate(http_request_duration_seconds_bucket{job=${job},le="${latencyBucket(
          ctx,
        )}"}[${w}])) / sum(rate(http_request_duration_seconds_count{job=${job}}[${w}])))`,
    },
  ];
  for (const { slo, objective, errorExpr } of slos) {
    const id = `${o.name}-${slo}`;
    const sloth = { sloth_id: id, sloth_service: o.name, sloth_slo: slo };
    const selector = `{sloth_id=${promqlString(
      id,
    )}, sloth_service=${job}, sloth_slo=${promqlString(slo)}}`;
    const budget = ratio(1 - objective / 100);
    groups.push({
      name: `sloth-slo-sli-recordings-${id}`,
      rules: SLO_WINDOWS.map(w => ({
        record: `slo:sli_error:ratio_rate${w}`,
        expr: `(${errorExpr(w)})`,
        labels: { ...sloth, sloth_window: w },
      })),
    });
    groups.push({
      name: `sloth-slo-meta-recordings-${id}`,
      rules: [
        {
          record: 'slo:objective:ratio',
          expr: `vector(${ratio(objective / 100)})`,
          labels: sloth,
        },
        {
          record: 'slo:error_budget:ratio',
          expr: `vector(${budget})`,
          labels: sloth,
        },
        { record: 'slo:time_period:days', expr: 'vector(30)', labels: sloth },
      ],
    });
    const burn = (pairs: Array<[string, string, number]>) =>
      pairs
        .map(
          ([short, long, factor]) =>
            `(max(slo:sli_error:ratio_rate${short}${selector} > (${factor} * ${budget})) without (sloth_window) and max(slo:sli_error:ratio_rate${long}${selector} > (${factor} * ${budget})) without (sloth_window))`,
        )
        .join(' or ');
    const title = slo.charAt(0).toUpperCase() + slo.slice(1);
    groups.push({
      name: `sloth-slo-alerts-${id}`,
      rules: [
        {
          alert: `${prefix}${title}BudgetBurnPage`,
          expr: burn(PAGE_WINDOWS),
          labels: {
            severity: o.tier === 'tier-1' ? 'critical' : 'warning',
            sloth_severity: 'page',
            ...sloth,
            ...routing,
          },
          annotations: {
            summary: `${o.name}: ${slo} error budget burns fast (2% in 1h or 5% in 6h)`,
            runbook_url: `${runbook}#slo-${slo}`,
          },
        },
        {
          alert: `${prefix}${title}BudgetBurnTicket`,
          expr: burn(TICKET_WINDOWS),
          labels: {
            severity: 'warning',
            sloth_severity: 'ticket',
            ...sloth,
            ...routing,
          },
          annotations: {
            summary: `${o.name}: ${slo} error budget burns slowly (10% in 1d or 10% in 3d)`,
            runbook_url: `${runbook}#slo-${slo}`,
          },
        },
      ],
    });
  }
  return groups;
}

/** Alert names the service defines, for `prometheus.io/alert`. */
export function alertNames(ctx: RenderContext): string[] {
  return ruleGroups(ctx).flatMap(g =>
    g.rules.flatMap(r => (r.alert ? [r.alert] : [])),
  );
}

/** promtool unit tests proving the generated alerts fire, and stay quiet on a healthy service. */
function ruleTests(ctx: RenderContext): unknown {
  const { o } = ctx;
  const prefix = alertPrefix(o.name);
  const series = (
    metric: string,
    labels: Record<string, string>,
    values: string,
  ) => ({
    series: `${metric}{${Object.entries(labels)
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(',')}}`,
    values,
  });
  const job = { job: o.name, instance: 'pod-1:8080' };
  const routing = { team: ctx.team, service: o.name };
  const budget = ratio(1 - o.sloAvailability / 100);
  // Requests per minute and failures chosen so the 5xx ratio is 30x the budget (fast burn).
  const failing = Math.max(1, Math.ceil(1000 * budget * 30));
  return {
    rule_files: ['rules.yaml'],
    evaluation_interval: '1m',
    tests: [
      {
        name: 'target down fires after 2 minutes',
        interval: '1m',
        input_series: [series('up', job, '1 0 0 0 0')],
        alert_rule_test: [
          { eval_time: '1m', alertname: `${prefix}TargetDown`, exp_alerts: [] },
          {
            eval_time: '4m',
            alertname: `${prefix}TargetDown`,
            exp_alerts: [
              {
                exp_labels: { severity: 'critical', ...routing, ...job },
                exp_annotations: {
                  summary: `${o.name}: a scrape target is down`,
                  runbook_url: `${o.runbookUrl}#target-down`,
                },
              },
            ],
          },
        ],
      },
      {
        name: 'a healthy service raises no baseline or SLO alert',
        interval: '1m',
        input_series: [
          series('up', job, '1+0x120'),
          series('http_requests_total', { ...job, code: '200' }, '0+1000x120'),
          series('http_requests_total', { ...job, code: '500' }, '0+0x120'),
        ],
        alert_rule_test: [
          {
            eval_time: '90m',
            alertname: `${prefix}TargetDown`,
            exp_alerts: [],
          },
          {
            eval_time: '90m',
            alertname: `${prefix}HighErrorRate`,
            exp_alerts: [],
          },
          {
            eval_time: '90m',
            alertname: `${prefix}AvailabilityBudgetBurnPage`,
            exp_alerts: [],
          },
        ],
      },
      {
        name: 'a fast availability burn pages the owning team',
        interval: '1m',
        input_series: [
          series('up', job, '1+0x120'),
          series(
            'http_requests_total',
            { ...job, code: '200' },
            `0+${1000 - failing}x120`,
          ),
          series(
            'http_requests_total',
            { ...job, code: '500' },
            `0+${failing}x120`,
          ),
        ],
        alert_rule_test: [
          {
            eval_time: '70m',
            alertname: `${prefix}AvailabilityBudgetBurnPage`,
            exp_alerts: [
              {
                exp_labels: {
                  severity: o.tier === 'tier-1' ? 'critical' : 'warning',
                  sloth_severity: 'page',
                  sloth_id: `${o.name}-availability`,
                  sloth_service: o.name,
                  sloth_slo: 'availability',
                  ...routing,
                },
                exp_annotations: {
                  summary: `${o.name}: availability error budget burns fast (2% in 1h or 5% in 6h)`,
                  runbook_url: `${o.runbookUrl}#slo-availability`,
                },
              },
            ],
          },
        ],
      },
      {
        name: 'SLO objective is recorded as declared',
        interval: '1m',
        input_series: [],
        promql_expr_test: [
          {
            expr: `slo:objective:ratio{sloth_slo="availability"}`,
            eval_time: '1m',
            exp_samples: [
              {
                labels: `slo:objective:ratio{sloth_id="${o.name}-availability",sloth_service="${o.name}",sloth_slo="availability"}`,
                value: ratio(o.sloAvailability / 100),
              },
            ],
          },
        ],
      },
    ],
  };
}

function dashboard(ctx: RenderContext): unknown {
  const { o } = ctx;
  const job = promqlString(o.name);
  const panel = (
    id: number,
    title: string,
    expr: string,
    unit: string,
    x: number,
    y: number,
  ) => ({
    id,
    type: 'timeseries',
    title,
    datasource: { type: 'prometheus', uid: '${datasource}' },
    gridPos: { h: 8, w: 12, x, y },
    fieldConfig: { defaults: { unit }, overrides: [] },
    targets: [{ refId: 'A', expr, legendFormat: '{{instance}}' }],
  });
  return {
    title: `${o.name} (BLM)`,
    uid: `blm-${o.name}`.slice(0, 40),
    tags: ['blm', ctx.team, o.name],
    timezone: 'utc',
    schemaVersion: 39,
    version: 1,
    refresh: '1m',
    time: { from: 'now-6h', to: 'now' },
    templating: {
      list: [
        {
          name: 'datasource',
          type: 'datasource',
          query: 'prometheus',
          current: {},
        },
      ],
    },
    panels: [
      panel(
        1,
        'Requests per second',
        `sum by (code) (rate(http_requests_total{job=${job}}[5m]))`,
        'reqps',
        0,
        0,
      ),
      panel(
        2,
        'Error ratio (5xx)',
        `sum(rate(http_requests_total{job=${job},code=~"5.."}[5m])) / sum(rate(http_requests_total{job=${job}}[5m]))`,
        'percentunit',
        12,
        0,
      ),
      panel(
        3,
        'p99 latency',
        `histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{job=${job}}[5m])))`,
        's',
        0,
        8,
      ),
      panel(
        4,
        'Availability error budget burn (1h)',
        `slo:sli_error:ratio_rate1h{sloth_service=${job},sloth_slo="availability"} / on() group_left() slo:error_budget:ratio{sloth_service=${job},sloth_slo="availability"}`,
        'none',
        12,
        8,
      ),
      panel(
        5,
        'CPU (cores)',
        `rate(process_cpu_seconds_total{job=${job}}[5m])`,
        'none',
        0,
        16,
      ),
      panel(
        6,
        'Resident memory',
        `process_resident_memory_bytes{job=${job}}`,
        'bytes',
        12,
        16,
      ),
    ],
  };
}

export function renderMonitoring(ctx: RenderContext): RenderedFile[] {
  const { o } = ctx;
  const groups = ruleGroups(ctx);
  const serviceMonitor = {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: {
      name: o.name,
      namespace: ctx.namespace,
      labels: ctx.labels,
      annotations: { ...ctx.annotations },
    },
    spec: {
      selector: { matchLabels: ctx.selector },
      namespaceSelector: { matchNames: [ctx.namespace] },
      endpoints: [
        {
          port: 'http',
          path: '/metrics',
          interval: '30s',
          // The targets name their entity, so another entity naming the same job cannot
          // count them (a Kubernetes label cannot hold an entity ref: set it here).
          relabelings: [
            {
              action: 'replace',
              targetLabel: EVIDENCE_OWNER.prometheusLabel,
              replacement: ctx.entityRef,
            },
          ],
        },
      ],
    },
  };
  const prometheusRule = {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: {
      name: o.name,
      namespace: ctx.namespace,
      labels: ctx.labels,
      annotations: { ...ctx.annotations },
    },
    spec: { groups },
  };
  const route = {
    // Merge into the Alertmanager configuration: the team's alerts reach its receiver.
    route: {
      routes: [
        {
          receiver: o.alertReceiver,
          matchers: [`team="${ctx.team}"`],
          group_by: ['alertname', 'service'],
          continue: false,
        },
      ],
    },
  };
  return [
    {
      piece: 'monitoring',
      path: 'deploy/kubernetes/monitoring/servicemonitor.yaml',
      content: yamlDocuments(serviceMonitor),
    },
    {
      piece: 'monitoring',
      path: 'deploy/kubernetes/monitoring/prometheusrule.yaml',
      content: yamlDocuments(prometheusRule),
    },
    {
      piece: 'monitoring',
      path: 'monitoring/rules.yaml',
      content: yamlDocuments({ groups }),
    },
    {
      piece: 'monitoring',
      path: 'monitoring/rules.test.yaml',
      content: yamlDocuments(ruleTests(ctx)),
    },
    {
      piece: 'monitoring',
      path: 'monitoring/grafana-dashboard.json',
      content: `${JSON.stringify(dashboard(ctx), null, 2)}\n`,
    },
    {
      piece: 'monitoring',
      path: 'monitoring/alertmanager-route.yaml',
      content: yamlDocuments(route),
    },
  ];
}
