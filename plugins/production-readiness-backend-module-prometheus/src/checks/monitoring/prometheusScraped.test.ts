import { describeSummary } from '@production-readiness/plugin-production-readiness-common';
import { runCheckOnFixtures } from '@production-readiness/plugin-production-readiness-node/testUtils';
import { config, facts, now } from '../../__testUtils__/checkFixtures';
import { component } from '../../__testUtils__/harness';
import { createPrometheusScrapedCheck } from './prometheusScraped';

describe('monitoring.prometheus-scraped on fixture facts', () => {
  it('fails a stale target even when it reports up', async () => {
    const result = await runCheckOnFixtures(
      createPrometheusScrapedCheck(config),
      {
        entity: component('orders'),
        facts: facts({
          targets: [
            {
              scrapePool: 'orders',
              instance: '10.0.0.1:8080',
              job: 'orders',
              health: 'up',
              lastScrape: '2026-11-22T11:50:00Z',
              scrapeIntervalMs: 15_000,
            },
          ],
        }),
        now,
      },
    );
    expect(result.status).toBe('fail');
    expect(result.summary).toBe(
      '1/1 targets up; stale: 10.0.0.1:8080 (last scrape 2026-11-22T11:50:00Z)',
    );
    expect(describeSummary(result.summary, now)).toBe(
      '1/1 targets up; stale: 10.0.0.1:8080 (last scrape 10m ago)',
    );
  });
});
