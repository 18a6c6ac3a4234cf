import { factsEnvelope } from '@production-readiness/plugin-production-readiness-node';
import { runCheckOnFixtures } from '@production-readiness/plugin-production-readiness-node/testUtils';
import { parseAlertmanagerConfig } from '../../alertmanager/routing';
import { AlertmanagerEntityFacts } from '../../collectors/facts';
import { config, facts, now, rule } from '../../__testUtils__/checkFixtures';
import { component } from '../../__testUtils__/harness';
import { createAlertRoutingCheck } from './alertRouting';

const ROUTES = `
route:
  receiver: catch-all
  routes:
    - receiver: team-shop
      matchers: ['job="orders"']
    - receiver: nobody
      matchers: ['job="payments"']
receivers:
  - name: catch-all
    webhook_configs: [{ url: 'http://127.0.0.1:9/' }]
  - name: team-shop
    email_configs: [{ to: 'shop@example.com' }]
  - name: nobody
`;

const alertmanager = factsEnvelope.ok<AlertmanagerEntityFacts>({
  instance: 'main',
  baseUrl: 'http://127.0.0.1:9093',
  observedAt: now.toISOString(),
  routing: parseAlertmanagerConfig(ROUTES),
  alerts: [],
});

const evaluate = (service: string, owner = 'group:default/team-shop') =>
  runCheckOnFixtures(createAlertRoutingCheck(config), {
    entity: { ...component(service), spec: { type: 'service', owner } },
    facts: {
      ...facts({
        service,
        rules: [rule({ name: 'Down', labels: { severity: 'critical' } })],
      }),
      alertmanager,
    },
    now,
  });

describe('monitoring.alert-routing on fixture facts', () => {
  it("passes when every alert reaches the owner's receiver", async () => {
    await expect(evaluate('orders')).resolves.toMatchObject({
      status: 'pass',
      summary: "All 1 alerts reach the owner's receiver (team-shop)",
    });
  });

  it('fails alerts that reach only the default receiver, or a receiver that notifies nobody', async () => {
    await expect(evaluate('inventory')).resolves.toMatchObject({
      status: 'fail',
      summary:
        '1 of 1 alerts reach only the default receiver "catch-all": Down',
    });
    await expect(evaluate('payments')).resolves.toMatchObject({
      status: 'fail',
      summary:
        '1 of 1 alerts route to receivers without any integration (dropped): Down → nobody',
    });
  });

  it('takes the receivers Alertmanager reports for a firing alert as the evidence', async () => {
    const firing = {
      job: 'inventory',
      alertname: 'Down',
      severity: 'critical',
    };
    const result = await runCheckOnFixtures(createAlertRoutingCheck(config), {
      entity: {
        ...component('inventory'),
        spec: { type: 'service', owner: 'group:default/team-shop' },
      },
      facts: {
        ...facts({
          service: 'inventory',
          rules: [
            rule({
              name: 'Down',
              labels: { severity: 'critical' },
              alerts: [{ labels: firing, state: 'firing' }],
            }),
          ],
        }),
        // The route tree alone sends job="inventory" to the catch-all; Alertmanager, which
        // holds the alert with the external labels Prometheus added, reports team-shop.
        alertmanager: factsEnvelope.ok<AlertmanagerEntityFacts>({
          ...(alertmanager.state === 'ok' ? alertmanager.facts : ({} as never)),
          alerts: [
            {
              labels: { ...firing, cluster: 'prod-eu' },
              receivers: ['team-shop'],
              state: 'active',
            },
          ],
        }),
      },
      now,
    });
    expect(result).toMatchObject({
      status: 'pass',
      summary: "All 1 alerts reach the owner's receiver (team-shop)",
    });
    expect(result.evidence?.[1]?.value).toMatchObject({
      receiversFrom: 'reported by Alertmanager for the firing alert',
      receivers: ['team-shop'],
    });
  });

  it('is unknown without an Alertmanager for the instance', async () => {
    await expect(
      runCheckOnFixtures(createAlertRoutingCheck(config), {
        entity: component('orders'),
        facts: {
          ...facts({ rules: [rule({})] }),
          alertmanager: factsEnvelope.unconfigured(
            'Prometheus instance "main" has no Alertmanager configured',
            'Set alertmanager.baseUrl.',
          ),
        },
        now,
      }),
    ).resolves.toMatchObject({
      status: 'unknown',
      summary: 'Prometheus instance "main" has no Alertmanager configured',
    });
  });

  describe('time intervals', () => {
    /** orders' critical alert routed to team-shop, whose route has these interval fields. */
    const timed = (routeFields: string, intervals: string) =>
      factsEnvelope.ok<AlertmanagerEntityFacts>({
        instance: 'main',
        baseUrl: 'http://127.0.0.1:9093',
        observedAt: now.toISOString(),
        routing: parseAlertmanagerConfig(
          [
            'route:',
            '  receiver: catch-all',
            '  routes:',
            '    - receiver: team-shop',
            '      matchers: [\'job="orders"\']',
            `      ${routeFields}`,
            intervals,
            'receivers:',
            '  - name: catch-all',
            "    webhook_configs: [{ url: 'http://127.0.0.1:9/' }]",
            '  - name: team-shop',
            "    email_configs: [{ to: 'shop@example.com' }]",
            '',
          ].join('\n'),
        ),
        alerts: [],
      });
    const OFFICE_HOURS = [
      'time_intervals:',
      '  - name: office-hours',
      '    time_intervals:',
      '      - weekdays: [monday:friday]',
      "        times: [{ start_time: '09:00', end_time: '17:00' }]",
      '        location: Europe/Berlin',
    ].join('\n');
    const evaluateTimed = (
      am: ReturnType<typeof timed>,
      severity: string,
      routingGaps: 'fail' | 'warn' = 'fail',
    ) =>
      runCheckOnFixtures(createAlertRoutingCheck({ ...config, routingGaps }), {
        entity: {
          ...component('orders'),
          spec: { type: 'service', owner: 'group:default/team-shop' },
        },
        facts: {
          ...facts({
            rules: [rule({ name: 'Down', labels: { severity } })],
          }),
          alertmanager: am,
        },
        now,
      });

    it('fails a critical alert whose route is active only in office hours, naming the silent windows', async () => {
      // now is Sunday 2026-11-22 12:00 UTC; Berlin office hours are 08:00–16:00 UTC in November.
      await expect(
        evaluateTimed(
          timed('active_time_intervals: [office-hours]', OFFICE_HOURS),
          'critical',
        ),
      ).resolves.toMatchObject({
        status: 'fail',
        summary:
          '1 of 1 alerts are critical and notify nobody during part of the week (mute or active time intervals): Down is silent Sun 12:00–Mon 08:00 UTC, Mon 16:00–Tue 08:00 UTC, Tue 16:00–Wed 08:00 UTC and 3 more windows',
      });
      // A warning alert on the same route is not held to round-the-clock paging.
      await expect(
        evaluateTimed(
          timed('active_time_intervals: [office-hours]', OFFICE_HOURS),
          'warning',
        ),
      ).resolves.toMatchObject({ status: 'pass' });
    });

    it('reads the legacy mute_time_intervals, and warns where configured', async () => {
      const NIGHTS = [
        'mute_time_intervals:',
        '  - name: nights',
        '    time_intervals:',
        "      - times: [{ start_time: '00:00', end_time: '06:00' }]",
      ].join('\n');
      const result = await evaluateTimed(
        timed('mute_time_intervals: [nights]', NIGHTS),
        'critical',
        'warn',
      );
      expect(result).toMatchObject({
        status: 'warn',
        summary:
          '1 of 1 alerts are critical and notify nobody during part of the week (mute or active time intervals): Down is silent Mon 00:00–Mon 06:00 UTC, Tue 00:00–Tue 06:00 UTC, Wed 00:00–Wed 06:00 UTC and 4 more windows',
      });
    });
  });
});
