/**
 * Log rotation on VMs, as the platform evidences it: after each daily logrotate run a cron line
 * writes two metrics for node_exporter's textfile collector. The Prometheus module reads them;
 * the service template's Ansible role installs the line. One definition for both.
 */

/**
 * The textfile-collector metrics the platform exports on every VM (see the module README for
 * the cron line that writes them after each logrotate run).
 */
/** @public */
export const ROTATION_METRICS = {
  /** Unix time the last `logrotate` run that exited 0 finished. */
  lastSuccess: 'logrotate_last_success_timestamp_seconds',
  /** Size of each live log file logrotate manages, label `file`. */
  fileBytes: 'logrotate_log_file_bytes',
} as const;

/**
 * The shell command, run daily from cron instead of a bare `logrotate`, that rotates and then
 * writes the two rotation metrics atomically for node_exporter's textfile collector. The README
 * shows it with Debian's paths; the tests and the template's Ansible role use it as it is.
 */
/** @public */
export function rotationMetricCommand(paths: {
  /** logrotate's config, e.g. `/etc/logrotate.conf`. */
  config: string;
  /** logrotate's state file; its default when omitted. */
  state?: string;
  /** Folder of the service's live log files (`*.log`). */
  logDir: string;
  /** node_exporter's `--collector.textfile.directory`. */
  textfileDir: string;
}): string {
  const q = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
  const out = `${paths.textfileDir}/logrotate.prom`;
  return [
    // By absolute path: cron's PATH (/usr/bin:/bin) has no /usr/sbin.
    `/usr/sbin/logrotate${paths.state ? ` -s ${q(paths.state)}` : ''} ${q(
      paths.config,
    )}`,
    `&& { printf '${ROTATION_METRICS.lastSuccess} %s\\n' "$(date +%s)";`,
    `find ${q(paths.logDir)} -name '*.log' -printf '${
      ROTATION_METRICS.fileBytes
    }{file="%p"} %s\\n'; }`,
    `> ${q(`${out}.tmp`)} && mv ${q(`${out}.tmp`)} ${q(out)}`,
  ].join(' ');
}
