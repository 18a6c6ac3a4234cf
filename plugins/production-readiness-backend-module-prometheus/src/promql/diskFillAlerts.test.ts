import { readDiskFillAlert, selectsHost } from './diskFillAlerts';

const alerting = (query: string, name = 'NodeFilesystemSpaceFillingUp') => ({
  group: 'node-exporter',
  name,
  type: 'alerting' as const,
  query,
});

const VM_1 = { instance: 'vm-1.example.com:9100', job: 'node', env: 'prod' };
const VM_2 = { instance: 'vm-2.example.com:9100', job: 'node', env: 'prod' };
const BATCH = { instance: 'batch-1:9100', job: 'batch-nodes', env: 'prod' };

/** The hosts whose filesystems a rule watches, by instance. */
function watched(query: string, hosts = [VM_1, VM_2, BATCH]): string[] {
  const read = readDiskFillAlert(alerting(query));
  if (read.kind !== 'alert') return [];
  return hosts
    .filter(h => read.selectors.some(s => selectsHost(s, h)))
    .map(h => h.instance);
}

describe('readDiskFillAlert', () => {
  it("reads node-mixin's NodeFilesystemSpaceFillingUp: every host of job node", () => {
    const mixin = `(
  node_filesystem_avail_bytes{job="node",fstype!="",mountpoint!=""} / node_filesystem_size_bytes{job="node",fstype!="",mountpoint!=""} * 100 < 15
and
  predict_linear(node_filesystem_avail_bytes{job="node",fstype!="",mountpoint!=""}[6h], 24*60*60) < 0
and
  node_filesystem_readonly{job="node",fstype!="",mountpoint!=""} == 0
)`;
    expect(readDiskFillAlert(alerting(mixin))).toEqual({
      kind: 'alert',
      rule: 'node-exporter/NodeFilesystemSpaceFillingUp',
      selectors: [
        [
          { name: 'job', op: '=', value: 'node' },
          { name: 'fstype', op: '!=', value: '' },
          { name: 'mountpoint', op: '!=', value: '' },
        ],
        [
          { name: 'job', op: '=', value: 'node' },
          { name: 'fstype', op: '!=', value: '' },
          { name: 'mountpoint', op: '!=', value: '' },
        ],
      ],
    });
    expect(watched(mixin)).toEqual([VM_1.instance, VM_2.instance]);
  });

  it('counts a threshold rule and a prediction, for all hosts or the hosts it selects', () => {
    expect(
      watched('node_filesystem_avail_bytes / node_filesystem_size_bytes < 0.1'),
    ).toEqual([VM_1.instance, VM_2.instance, BATCH.instance]);
    expect(
      watched(
        'predict_linear(node_filesystem_free_bytes{instance=~"vm-1\\\\..*"}[6h], 86400) < 0',
      ),
    ).toEqual([VM_1.instance]);
    expect(
      watched(
        '{__name__="node_filesystem_avail_bytes", instance!="vm-2.example.com:9100"} < 1e9',
      ),
    ).toEqual([VM_1.instance, BATCH.instance]);
    expect(
      watched('{"node_filesystem_avail_bytes", "job"="batch-nodes"} < 1e9'),
    ).toEqual([BATCH.instance]);
    // A label the hosts do not carry has the value "": no host is selected.
    expect(
      watched('node_filesystem_avail_bytes{datacenter="fra"} < 1e9'),
    ).toEqual([]);
  });

  it('ignores rules that do not alert on free space', () => {
    expect(
      readDiskFillAlert(alerting('node_filesystem_avail_bytes', 'Raw')),
    ).toEqual({ kind: 'none' });
    expect(
      readDiskFillAlert(alerting('rate(node_cpu_seconds_total[5m]) > 0.9')),
    ).toEqual({ kind: 'none' });
    expect(
      readDiskFillAlert({
        ...alerting('node_filesystem_avail_bytes < 1e9'),
        type: 'recording',
      }),
    ).toEqual({ kind: 'none' });
    // A volume of a Kubernetes pod is not a VM host's disk.
    expect(
      readDiskFillAlert(
        alerting(
          'predict_linear(kubelet_volume_stats_available_bytes[6h], 86400) < 0',
        ),
      ),
    ).toEqual({ kind: 'none' });
  });

  it('says where the grammar stops reading a rule on free space', () => {
    expect(
      readDiskFillAlert(
        alerting('node_filesystem_avail_bytes{instance="vm-1" < 1'),
      ),
    ).toEqual({
      kind: 'unparsed',
      rule: 'node-exporter/NodeFilesystemSpaceFillingUp',
      error: 'the PromQL grammar cannot read it at character 45',
    });
  });
});
