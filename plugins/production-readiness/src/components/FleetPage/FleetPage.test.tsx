import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { OverviewEntry } from '@production-readiness/plugin-production-readiness-common';
import { productionReadinessApiRef } from '@production-readiness/plugin-production-readiness-react';
import { screen, within } from '@testing-library/react';
import { fakeApi } from '../../__testUtils__/fixtures';
import { toCsv } from './csv';
import { FleetPage } from './FleetPage';

const counts = { pass: 0, warn: 0, fail: 0, unknown: 0, error: 0, waived: 0 };

function entry(
  name: string,
  score: number,
  allowed: boolean,
  owner: string,
): OverviewEntry {
  return {
    entityRef: `component:default/${name}`,
    title: name,
    kind: 'Component',
    type: 'service',
    lifecycle: 'production',
    owner: `group:default/${owner}`,
    score,
    achievedLevel: allowed ? 'gold' : 'none',
    requiredLevel: 'silver',
    allowed,
    pillars: { backup: score, monitoring: 100 },
    counts,
    evaluatedAt: '2026-11-22T10:00:00.000Z',
  };
}

/** Renders the fleet page on an API whose answers `api` gives. */
function renderFleetPage(api: Parameters<typeof fakeApi>[0]) {
  return renderInTestApp(
    <TestApiProvider apis={[[productionReadinessApiRef, fakeApi(api)]]}>
      <FleetPage />
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

describe('FleetPage', () => {
  it('lists every entity worst first with level, gate and pillar scores', async () => {
    await renderFleetPage({
      getOverview: async () => [
        entry('orders-api', 100, true, 'team-orders'),
        entry('payments-api', 57, false, 'team-payments'),
      ],
    });
    expect(await screen.findByText('2 entities')).toBeInTheDocument();
    const rows = screen.getAllByRole('row').slice(1);
    expect(
      within(rows[0]).getByRole('link', { name: 'payments-api' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/payments-api/production-readiness',
    );
    expect(rows[0]).toHaveTextContent('blocked');
    expect(rows[0]).toHaveTextContent('needs silver');
    expect(rows[1]).toHaveTextContent('orders-api');
    expect(rows[1]).toHaveTextContent('allowed');
    expect(
      screen.getByRole('columnheader', { name: /Monitoring/ }),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /Export CSV/ })).toBeEnabled();
  });

  it('lists the waivers of the fleet, requests waiting for approval first', async () => {
    await renderFleetPage({
      getOverview: async () => [
        entry('payments-api', 57, false, 'team-payments'),
      ],
      listFleetWaivers: async () => [
        {
          id: 'w1',
          entityRef: 'component:default/orders-api',
          checkId: 'availability.replicas',
          reason: 'scaling test until Friday',
          origin: 'api',
          state: 'approved',
          approvedBy: 'user:default/platform-lead',
          approvedAt: '2026-11-20T09:00:00.000Z',
          expiresAt: '2026-12-05T00:00:00.000Z',
          expired: false,
        },
        {
          entityRef: 'component:default/payments-api',
          checkId: 'availability.pdb',
          reason: 'PDB lands with the Helm chart, PLAT-123',
          origin: 'annotation',
          state: 'requested',
          requestedBy: 'group:default/team-payments',
          expiresAt: '2027-01-31T23:59:59.999Z',
          expired: false,
        },
      ],
    });
    expect(
      await screen.findByText('Waivers (1 waiting for approval)'),
    ).toBeInTheDocument();
    const waiverRows = screen
      .getAllByRole('row')
      .filter(r => /PLAT-123|scaling test/.test(r.textContent ?? ''));
    expect(waiverRows).toHaveLength(2);
    expect(waiverRows[0]).toHaveTextContent('payments-api');
    expect(waiverRows[0]).toHaveTextContent('waiting for approval');
    expect(waiverRows[0]).toHaveTextContent('group:default/team-payments');
    expect(
      within(waiverRows[0]).getByRole('link', { name: 'payments-api' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/payments-api/production-readiness',
    );
    expect(waiverRows[1]).toHaveTextContent('orders-api');
    expect(waiverRows[1]).toHaveTextContent(
      'approved' + 'created through the API' + 'user:default/platform-lead',
    );
  });

  it('lists the evidence entities contest, with the other claimants and how to settle', async () => {
    const copy: OverviewEntry = {
      ...entry('ledger-api-v2', 40, false, 'team-ledger'),
      contested: [
        {
          kind: 'kubernetes-workload',
          id: 'prod-eu/ledger/Deployment/ledger-api',
          how: 'backstage.io/kubernetes-id=ledger-api',
          reason: 'contested',
          others: [
            {
              entityRef: 'component:default/ledger-api',
              id: 'prod-eu/ledger/Deployment/ledger-api',
              how: 'backstage.io/kubernetes-id=ledger-api',
            },
          ],
          settle:
            'Add the label `production-readiness.io/entity-ref` to the workload, naming the entity that owns it.',
        },
      ],
    };
    const named: OverviewEntry = {
      ...entry('orders-worker', 60, false, 'team-orders'),
      contested: [
        {
          kind: 'backup-prefix',
          id: 's3://demo-backups/orders',
          how: 'production-readiness.io/backup-prefix=orders',
          reason: 'named-other',
          namedEntity: 'component:default/orders-api',
          others: [],
          settle: 'The prefix names orders-api; select your own prefix.',
        },
      ],
    };
    await renderFleetPage({
      getOverview: async () => [
        entry('ledger-api', 40, false, 'team-ledger'),
        copy,
        named,
      ],
    });
    const section = await screen.findByRole('region', {
      name: 'Contested evidence',
    });
    expect(
      await within(section).findByText('Contested evidence (2)'),
    ).toBeInTheDocument();
    const rows = within(section).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);

    const [prefix, workload] = rows;
    expect(
      await within(workload).findByRole('link', { name: 'ledger-api-v2' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/ledger-api-v2/production-readiness',
    );
    expect(
      await within(workload).findByText('prod-eu/ledger/Deployment/ledger-api'),
    ).toBeInTheDocument();
    expect(
      await within(workload).findByText('kubernetes-workload'),
    ).toBeInTheDocument();
    // The other claimant links to its catalog page, with how it selects the workload.
    expect(
      await within(workload).findByRole('link', { name: 'ledger-api' }),
    ).toHaveAttribute('href', '/catalog/default/component/ledger-api');
    expect(
      await within(workload).findAllByText(
        'backstage.io/kubernetes-id=ledger-api',
      ),
    ).toHaveLength(2);
    expect(
      await within(workload).findByRole('cell', {
        name: 'Add the label production-readiness.io/entity-ref to the workload, naming the entity that owns it.',
      }),
    ).toBeInTheDocument();
    expect(
      await within(workload).findByText('production-readiness.io/entity-ref', {
        selector: 'code',
      }),
    ).toBeInTheDocument();

    expect(
      await within(prefix).findByRole('link', { name: 'orders-worker' }),
    ).toBeInTheDocument();
    expect(
      await within(prefix).findByRole('cell', { name: 'names orders-api' }),
    ).toBeInTheDocument();
    expect(
      await within(prefix).findByRole('link', { name: 'orders-api' }),
    ).toHaveAttribute('href', '/catalog/default/component/orders-api');
    expect(
      await within(prefix).findByRole('cell', {
        name: 'The prefix names orders-api; select your own prefix.',
      }),
    ).toBeInTheDocument();
  });

  it('shows no contested evidence section when no entity contests any', async () => {
    await renderFleetPage({
      getOverview: async () => [
        {
          ...entry('orders-api', 100, true, 'team-orders'),
          contested: [],
        },
        entry('payments-api', 57, false, 'team-payments'),
      ],
    });
    expect(await screen.findByText('2 entities')).toBeInTheDocument();
    expect(
      await screen.findByRole('region', { name: 'Waivers' }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('region', { name: 'Contested evidence' }),
    ).not.toBeInTheDocument();
  });

  it('explains a failed load', async () => {
    await renderFleetPage({
      getOverview: () => Promise.reject(new Error('503 Service Unavailable')),
    });
    expect(
      await screen.findByText(/Could not load the fleet overview/),
    ).toBeInTheDocument();
  });
});

describe('toCsv', () => {
  it('quotes fields with commas, quotes and line breaks', () => {
    expect(
      toCsv(
        ['entity', 'note'],
        [
          ['component:default/a', 'plain'],
          ['b', 'has "quotes", commas\nand lines'],
        ],
      ),
    ).toBe(
      'entity,note\r\ncomponent:default/a,plain\r\nb,"has ""quotes"", commas\nand lines"',
    );
  });
});
