import {
  createReadinessCheck,
  ReadinessCheck,
} from '@production-readiness/plugin-production-readiness-node';
import { PROMETHEUS_CHECK_SCOPE, withPrometheus } from '../prometheusFacts';
import { evaluateCoverage } from '../alertCoverage';

/** `logging.disk-fill-alert`. */
export function createDiskFillAlertCheck(): ReadinessCheck {
  return createReadinessCheck({
    ...PROMETHEUS_CHECK_SCOPE,
    id: 'logging.disk-fill-alert',
    pillar: 'logging',
    title: 'Disk-fill prediction alert',
    description:
      'A healthy predict_linear alert watches the filesystems or volumes the service writes to (its own, or every node of the instance), so logs cannot fill a disk unnoticed.',
    severity: 'major',
    remediation:
      "Add an alert like `predict_linear(node_filesystem_avail_bytes[6h], 24*3600) < 0` (or kubelet_volume_stats_available_bytes for the service's volumes).",
    evaluate: withPrometheus(f =>
      evaluateCoverage(
        f,
        ['disk-fill'],
        'Add a predict_linear alert on node_filesystem_avail_bytes or kubelet_volume_stats_available_bytes that fires a day before the disk is full.',
      ),
    ),
  });
}
