import {
  parseDuration,
  rotationMetricCommand,
} from '@production-readiness/plugin-production-readiness-common';
import { stringify } from 'yaml';
import { RenderContext, RenderedFile } from './context';
import { STORES } from './renderLogging';

const DAY_MS = 86_400_000;
/** Debian's prometheus-node-exporter reads its textfile collector from here by default. */
const TEXTFILE_DIR = '/var/lib/prometheus/node-exporter';
const ROTATE_SCRIPT = '/usr/local/sbin/logrotate-with-metrics';

/**
 * The inventory group of the service's hosts: Ansible group names allow letters, digits and
 * underscores only (it warns about, and may transform, others), so `orders-api` → `orders_api`.
 */
export function ansibleGroup(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, '_');
}

const yaml = (value: unknown) => stringify(value, { lineWidth: 0 });

/** The OpenTelemetry Collector config that ships the service's log files to the store. */
function collectorConfig(ctx: RenderContext): Record<string, unknown> {
  const { o } = ctx;
  const store = STORES[o.logStoreType];
  const base = o.logStoreUrl.endsWith('/')
    ? o.logStoreUrl
    : `${o.logStoreUrl}/`;
  const exporter = `otlphttp/${o.logStoreType}`;
  return {
    receivers: {
      filelog: {
        include: ['{{ log_dir }}/*.log'],
        start_at: 'beginning',
        operators: [
          {
            type: 'json_parser',
            if: 'body matches "^\\\\s*\\\\{"',
            parse_to: 'attributes.parsed',
            on_error: 'send',
          },
          ...['trace_id', 'level'].map(field => ({
            type: 'move',
            if: `attributes.parsed != nil and attributes.parsed.${field} != nil`,
            from: `attributes.parsed.${field}`,
            to: `attributes.${field}`,
          })),
          {
            type: 'remove',
            if: 'attributes.parsed != nil',
            field: 'attributes.parsed',
          },
        ],
      },
    },
    processors: {
      'resource/service': {
        attributes: [
          {
            key: store.serviceAttribute,
            value: '{{ service_name }}',
            action: 'upsert',
          },
        ],
      },
      batch: {},
    },
    exporters: { [exporter]: { ...store.exporter(base), compression: 'gzip' } },
    service: {
      pipelines: {
        logs: {
          receivers: ['filelog'],
          processors: ['resource/service', 'batch'],
          exporters: [exporter],
        },
      },
    },
  };
}

/**
 * `deploy/ansible/`: a playbook and a role that run the service on VMs with backup-free BLM
 * wired in — node_exporter with the textfile collector and the systemd collector, logrotate for
 * the service's log folder (size and days from the inputs), the daily rotation that writes the
 * rotation metrics the Prometheus module's `logging.vm-log-rotation` reads, the log shipper's
 * config, and the systemd unit (the pinned image under podman, stdout into the log folder).
 */
export function renderAnsible(ctx: RenderContext): RenderedFile[] {
  const { o } = ctx;
  const role = `deploy/ansible/roles/${o.name}`;
  const keepDays = Math.max(
    1,
    Math.ceil((parseDuration(o.logRetention) ?? 30 * DAY_MS) / DAY_MS),
  );
  const file = (path: string, content: string): RenderedFile => ({
    piece: 'ansible',
    path,
    content,
  });
  const rotate = rotationMetricCommand({
    config: '/etc/logrotate.conf',
    logDir: `/var/log/${o.name}`,
    textfileDir: TEXTFILE_DIR,
  });
  return [
    file(
      'deploy/ansible/playbook.yml',
      yaml([
        {
          name: `Run ${o.name} with backup, logging and monitoring wired in`,
          hosts: ansibleGroup(o.name),
          become: true,
          roles: [o.name],
        },
      ]),
    ),
    file(
      'deploy/ansible/inventory.example.ini',
      `# The hosts of ${
        o.name
      }: copy to inventory.ini (or use the platform's inventory).\n# Scrape each host's node_exporter (:9100) with the label backstage_entity=${
        ctx.entityRef
      }.\n[${ansibleGroup(o.name)}]\nvm-1.example.com\nvm-2.example.com\n`,
    ),
    file(
      `${role}/defaults/main.yml`,
      yaml({
        service_name: o.name,
        service_image: `${o.image}:${o.imageTag}`,
        service_port: o.port,
        log_dir: `/var/log/${o.name}`,
        log_max_size: o.logMaxSize,
        log_keep_days: keepDays,
        textfile_dir: TEXTFILE_DIR,
      }),
    ),
    file(
      `${role}/tasks/main.yml`,
      yaml([
        {
          name: 'Install the host agents and the container runtime',
          'ansible.builtin.apt': {
            name: ['prometheus-node-exporter', 'logrotate', 'podman'],
            state: 'present',
            update_cache: true,
          },
        },
        {
          name: 'node_exporter exports systemd units and the textfile metrics',
          'ansible.builtin.copy': {
            dest: '/etc/default/prometheus-node-exporter',
            content:
              'ARGS="--collector.systemd --collector.textfile.directory={{ textfile_dir }}"\n',
            mode: '0644',
          },
          notify: 'Restart node_exporter',
        },
        {
          name: 'Folders for the textfile metrics and the logs',
          'ansible.builtin.file': {
            path: '{{ item }}',
            state: 'directory',
            mode: '0755',
          },
          loop: ['{{ textfile_dir }}', '{{ log_dir }}'],
        },
        {
          name: "Rotate the service's logs by size and age",
          'ansible.builtin.template': {
            src: 'logrotate.j2',
            dest: '/etc/logrotate.d/{{ service_name }}',
            mode: '0644',
          },
        },
        {
          name: 'Rotation that exports logrotate_last_success_timestamp_seconds and logrotate_log_file_bytes',
          'ansible.builtin.copy': {
            dest: ROTATE_SCRIPT,
            content: `#!/bin/sh\n# Written by the ${o.name} role: rotate, then tell node_exporter when and what.\nset -e\n${rotate}\n`,
            mode: '0755',
          },
        },
        {
          name: 'Rotate daily',
          'ansible.builtin.cron': {
            name: 'logrotate with rotation metrics',
            cron_file: 'production-readiness-logrotate',
            user: 'root',
            special_time: 'daily',
            job: ROTATE_SCRIPT,
          },
        },
        {
          name: 'Ship the logs to the platform log store (otelcol-contrib, installed by the platform)',
          'ansible.builtin.template': {
            src: 'otelcol.yaml.j2',
            dest: '/etc/otelcol-contrib/config.yaml',
            mode: '0644',
          },
          notify: 'Restart otelcol-contrib',
        },
        {
          name: 'The service as a systemd unit',
          'ansible.builtin.template': {
            src: 'service.j2',
            dest: '/etc/systemd/system/{{ service_name }}.service',
            mode: '0644',
          },
          notify: 'Restart the service',
        },
        {
          name: 'The service enabled and running',
          'ansible.builtin.systemd': {
            name: '{{ service_name }}',
            enabled: true,
            state: 'started',
            daemon_reload: true,
          },
        },
      ]),
    ),
    file(
      `${role}/handlers/main.yml`,
      yaml([
        {
          name: 'Restart node_exporter',
          'ansible.builtin.systemd': {
            name: 'prometheus-node-exporter',
            state: 'restarted',
          },
        },
        {
          name: 'Restart otelcol-contrib',
          'ansible.builtin.systemd': {
            name: 'otelcol-contrib',
            state: 'restarted',
          },
        },
        {
          name: 'Restart the service',
          'ansible.builtin.systemd': {
            name: '{{ service_name }}',
            state: 'restarted',
            daemon_reload: true,
          },
        },
      ]),
    ),
    file(
      `${role}/templates/logrotate.j2`,
      [
        '{{ log_dir }}/*.log {',
        '  daily',
        '  maxsize {{ log_max_size }}',
        '  rotate {{ log_keep_days }}',
        '  missingok',
        '  notifempty',
        '  compress',
        '  delaycompress',
        '  copytruncate',
        '}',
        '',
      ].join('\n'),
    ),
    file(
      `${role}/templates/service.j2`,
      [
        '[Unit]',
        'Description={{ service_name }}',
        'After=network-online.target',
        'Wants=network-online.target',
        '',
        '[Service]',
        'ExecStart=/usr/bin/podman run --rm --name {{ service_name }} --read-only -p {{ service_port }}:{{ service_port }} -e PORT={{ service_port }} -e SERVICE_NAME={{ service_name }} {{ service_image }}',
        'ExecStop=/usr/bin/podman stop -t 20 {{ service_name }}',
        '# JSON lines on stdout, into the folder logrotate rotates and the shipper reads.',
        'StandardOutput=append:{{ log_dir }}/{{ service_name }}.log',
        'StandardError=append:{{ log_dir }}/{{ service_name }}.log',
        'Restart=on-failure',
        'RestartSec=5',
        '',
        '[Install]',
        'WantedBy=multi-user.target',
        '',
      ].join('\n'),
    ),
    file(`${role}/templates/otelcol.yaml.j2`, yaml(collectorConfig(ctx))),
  ];
}
