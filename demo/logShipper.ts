/*
 * The demo's log shipper: what an OpenTelemetry Collector or Vector does on a node, done by
 * the demo stack itself. Every few seconds it sends the demo services' log lines to a real
 * VictoriaLogs through its JSON-lines API, as a shipper that parsed the services' JSON output
 * would: fields `service`, `level`, `trace_id`. careless-worker prints plain text, so its lines
 * arrive as a bare message and fail logging.structured.
 */
import { randomBytes } from 'node:crypto';

export interface LogShipper {
  stop(): Promise<void>;
}

const PATHS = ['/orders', '/orders/42', '/payments', '/stock', '/ledger'];

/** One request log line, as the template's service writes it to stdout. */
function requestLine(service: string): Record<string, unknown> {
  const status = Math.random() < 0.01 ? 500 : 200;
  const path = PATHS[Math.floor(Math.random() * PATHS.length)];
  return {
    _msg: `GET ${path} ${status}`,
    service,
    level: status === 500 ? 'error' : 'info',
    trace_id: randomBytes(16).toString('hex'),
    method: 'GET',
    path,
    status,
    duration_ms: Math.round(4 + Math.random() * 60),
  };
}

/** Starts shipping; the first batch is sent before this returns. */
export async function startLogShipper(options: {
  victoriaLogsUrl: string;
  /** Services that log JSON with trace ids. */
  structured: string[];
  /** Services that print plain text. */
  plainText: string[];
  log: (line: string) => void;
}): Promise<LogShipper> {
  let failures = 0;
  const ship = async () => {
    const lines = [
      ...options.structured.flatMap(service =>
        Array.from({ length: 5 }, () => requestLine(service)),
      ),
      ...options.plainText.map(service => ({
        _msg: `${new Date().toISOString()} INFO processed batch of ${Math.floor(
          Math.random() * 100,
        )} jobs`,
        service,
      })),
    ];
    const response = await fetch(
      `${options.victoriaLogsUrl}/insert/jsonline?_stream_fields=service`,
      {
        method: 'POST',
        // Without it VictoriaLogs reads the body as a form and ingests nothing.
        headers: { 'content-type': 'application/stream+json' },
        body: `${lines.map(l => JSON.stringify(l)).join('\n')}\n`,
      },
    );
    if (!response.ok) {
      throw new Error(`VictoriaLogs answered ${response.status}`);
    }
  };
  await ship();
  const timer = setInterval(() => {
    ship().catch(error => {
      failures += 1;
      if (failures === 1 || failures % 60 === 0) {
        options.log(
          `log shipper: ${error instanceof Error ? error.message : error}`,
        );
      }
    });
  }, 5_000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
    },
  };
}
