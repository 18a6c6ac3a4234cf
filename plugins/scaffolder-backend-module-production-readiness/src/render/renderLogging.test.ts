import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { z } from 'zod/v3';
import { serviceInput } from '../__testUtils__/inputs';
import { blmRenderInputSchema } from './blmOptions';
import { renderBlmBundle } from './renderBlmBundle';

function render(input: Record<string, unknown> = {}) {
  const files = renderBlmBundle(
    blmRenderInputSchema(z).parse({ ...serviceInput, ...input }),
  );
  const file = (name: string) => files.find(f => f.path === name)!;
  const [configMap, daemonSet] = parseAllDocuments(
    file('deploy/kubernetes/log-shipping.yaml').content,
  ).map(d => d.toJS());
  return {
    file,
    configMap,
    daemonSet,
    config: parseYaml(configMap.data['collector.yaml']),
  };
}

describe('renderLogging', () => {
  it('ships only the service container logs to VictoriaLogs by default, with service as stream field', () => {
    const { config, file } = render({ namespace: 'shop' });
    expect(file('deploy/kubernetes/log-shipping.yaml').piece).toBe(
      'kubernetes',
    );
    expect(config.receivers.filelog.include).toEqual([
      '/var/log/pods/shop_orders-api-*_*/orders-api/*.log',
    ]);
    expect(config.receivers.filelog.operators).toEqual([
      { type: 'container', id: 'container' },
      expect.objectContaining({
        type: 'json_parser',
        parse_from: 'body',
        on_error: 'send',
      }),
      expect.objectContaining({
        type: 'move',
        from: 'attributes.parsed.trace_id',
        to: 'attributes.trace_id',
      }),
      expect.objectContaining({
        type: 'move',
        from: 'attributes.parsed.level',
        to: 'attributes.level',
      }),
      expect.objectContaining({ type: 'remove', field: 'attributes.parsed' }),
    ]);
    expect(config.processors['resource/service'].attributes).toEqual([
      { key: 'service', value: 'orders-api', action: 'upsert' },
    ]);
    expect(config.exporters['otlphttp/victorialogs']).toMatchObject({
      logs_endpoint:
        'http://victorialogs.logging.svc:9428/insert/opentelemetry/v1/logs',
      headers: { 'VL-Stream-Fields': 'service' },
    });
    expect(config.service.pipelines).toEqual({
      logs: {
        receivers: ['filelog'],
        processors: ['memory_limiter', 'resource/service', 'batch'],
        exporters: ['otlphttp/victorialogs'],
      },
    });
  });

  it('labels the lines with service.name (label service_name) and speaks /otlp for Loki', () => {
    const { config } = render({
      logStoreType: 'loki',
      logStoreUrl: 'https://gateway.logging.svc/loki/',
    });
    expect(config.processors['resource/service'].attributes).toEqual([
      { key: 'service.name', value: 'orders-api', action: 'upsert' },
    ]);
    expect(config.exporters).toEqual({
      'otlphttp/loki': expect.objectContaining({
        endpoint: 'https://gateway.logging.svc/loki/otlp',
      }),
    });
    expect(config.exporters['otlphttp/loki'].headers).toBeUndefined();
    expect(config.service.pipelines.logs.exporters).toEqual(['otlphttp/loki']);
  });

  it('runs a pinned collector per node in the service namespace, reading pod logs read-only as non-root', () => {
    const { configMap, daemonSet } = render();
    expect(configMap.metadata.namespace).toBe('orders-api');
    expect(daemonSet.kind).toBe('DaemonSet');
    expect(daemonSet.metadata).toMatchObject({
      name: 'orders-api-log-shipper',
      namespace: 'orders-api',
      annotations: {
        'production-readiness.io/entity-ref': 'component:default/orders-api',
      },
    });
    const pod = daemonSet.spec.template.spec;
    const [container] = pod.containers;
    expect(container.image).toMatch(
      /^otel\/opentelemetry-collector-contrib:\d+\.\d+\.\d+$/,
    );
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 10001,
    });
    expect(container.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
    });
    expect(container.resources).toEqual({
      requests: expect.objectContaining({ cpu: '50m', memory: '64Mi' }),
      limits: expect.objectContaining({ memory: '128Mi' }),
    });
    expect(pod.volumes).toContainEqual({
      name: 'pod-logs',
      hostPath: { path: '/var/log/pods', type: 'Directory' },
    });
    expect(container.volumeMounts).toContainEqual({
      name: 'pod-logs',
      mountPath: '/var/log/pods',
      readOnly: true,
    });
    expect(pod.volumes).toContainEqual({
      name: 'config',
      configMap: { name: configMap.metadata.name },
    });
    expect(container.args).toEqual(['--config=/conf/collector.yaml']);
  });

  it('keeps the shipper out of the service selector and in its kustomization', () => {
    const { daemonSet, file } = render();
    const labels = daemonSet.spec.template.metadata.labels;
    expect(labels['app.kubernetes.io/name']).not.toBe('orders-api');
    expect(labels['backstage.io/kubernetes-id']).toBe('orders-api');
    expect(daemonSet.spec.selector.matchLabels).toEqual({
      'app.kubernetes.io/name': 'orders-api-log-shipper',
    });
    const kustomization = parseYaml(
      file('deploy/kubernetes/kustomization.yaml').content,
    );
    expect(kustomization.resources).toContain('log-shipping.yaml');
  });

  it('rolls the shipper pods when the collector config changes', () => {
    const checksum = (input: Record<string, unknown>) =>
      render(input).daemonSet.spec.template.metadata.annotations[
        'checksum/config'
      ];
    expect(checksum({})).toMatch(/^[0-9a-f]{64}$/);
    expect(checksum({})).not.toBe(
      checksum({ logStoreUrl: 'http://victorialogs.other.svc:9428' }),
    );
  });
});
