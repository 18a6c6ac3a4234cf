/*
 * A small Prometheus exporter for the demo services: `GET /metrics/<service>` answers the
 * text exposition format with request counters, a latency histogram, process and filesystem
 * gauges. The values move like a healthy service under light load, so the demo's alert
 * rules evaluate (and stay quiet) on real series that real Prometheus scrapes.
 */
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

interface ServiceState {
  ok: number;
  failed: number;
  /** Observations per bucket (cumulative counts are derived when rendering). */
  buckets: number[];
  sum: number;
  cpuSeconds: number;
}

export interface DemoExporter {
  baseUrl: string;
  stop(): Promise<void>;
}

export async function startDemoExporter(
  services: string[],
): Promise<DemoExporter> {
  const startedAt = Date.now() / 1000;
  const states = new Map<string, ServiceState>(
    services.map(s => [
      s,
      {
        ok: 0,
        failed: 0,
        buckets: BUCKETS.map(() => 0),
        sum: 0,
        cpuSeconds: 0,
      },
    ]),
  );
  // Light traffic: ~20 requests/s per service, one in a thousand fails, most under 50 ms.
  const tick = setInterval(() => {
    for (const state of states.values()) {
      for (let i = 0; i < 20; i++) {
        const latency = 0.004 + Math.random() * Math.random() * 0.12;
        state.sum += latency;
        const bucket = BUCKETS.findIndex(b => latency <= b);
        if (bucket >= 0) state.buckets[bucket] += 1;
        if (Math.random() < 0.001) state.failed += 1;
        else state.ok += 1;
      }
      state.cpuSeconds += 0.08 + Math.random() * 0.04;
    }
  }, 1000);
  tick.unref();

  const render = (service: string, state: ServiceState): string => {
    const lines: string[] = [];
    lines.push(
      '# HELP http_requests_total HTTP requests served.',
      '# TYPE http_requests_total counter',
      `http_requests_total{code="200",method="GET"} ${state.ok}`,
      `http_requests_total{code="500",method="GET"} ${state.failed}`,
      '# HELP http_request_duration_seconds HTTP request latency.',
      '# TYPE http_request_duration_seconds histogram',
    );
    let cumulative = 0;
    BUCKETS.forEach((le, i) => {
      cumulative += state.buckets[i];
      lines.push(
        `http_request_duration_seconds_bucket{le="${le}"} ${cumulative}`,
      );
    });
    const count = state.ok + state.failed;
    lines.push(
      `http_request_duration_seconds_bucket{le="+Inf"} ${count}`,
      `http_request_duration_seconds_sum ${state.sum}`,
      `http_request_duration_seconds_count ${count}`,
      '# TYPE process_cpu_seconds_total counter',
      `process_cpu_seconds_total ${state.cpuSeconds}`,
      '# TYPE process_resident_memory_bytes gauge',
      `process_resident_memory_bytes ${
        180e6 + Math.round(Math.random() * 10e6)
      }`,
      '# TYPE process_start_time_seconds gauge',
      `process_start_time_seconds ${startedAt}`,
      '# TYPE node_filesystem_avail_bytes gauge',
      `node_filesystem_avail_bytes{device="/dev/nvme1n1",fstype="ext4",mountpoint="/var/lib/app"} ${
        14e9 + Math.round(Math.random() * 1e6)
      }`,
      '# TYPE node_filesystem_size_bytes gauge',
      `node_filesystem_size_bytes{device="/dev/nvme1n1",fstype="ext4",mountpoint="/var/lib/app"} 21474836480`,
      '# TYPE app_info gauge',
      `app_info{service="${service}"} 1`,
      '',
    );
    return lines.join('\n');
  };

  const server: Server = createServer((req, res) => {
    const match = /^\/metrics\/([a-z0-9-]+)$/.exec(req.url ?? '');
    const state = match && states.get(match[1]);
    if (!match || !state) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found\n');
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/plain; version=0.0.4; charset=utf-8',
    });
    res.end(render(match[1], state));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    stop: async () => {
      clearInterval(tick);
      server.closeAllConnections();
      await new Promise<void>(resolve => server.close(() => resolve()));
    },
  };
}
