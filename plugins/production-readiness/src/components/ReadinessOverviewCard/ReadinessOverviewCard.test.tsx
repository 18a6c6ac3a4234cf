import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { productionReadinessApiRef } from '@production-readiness/plugin-production-readiness-react';
import {
  fakeApi,
  mixedReport,
  notEvaluatedReport,
  paymentsApi,
} from '../../__testUtils__/fixtures';
import { ReadinessOverviewCard } from './ReadinessOverviewCard';

async function renderCard(api = fakeApi()) {
  return renderInTestApp(
    <TestApiProvider apis={[[productionReadinessApiRef, api]]}>
      <EntityProvider entity={paymentsApi}>
        <ReadinessOverviewCard />
      </EntityProvider>
    </TestApiProvider>,
  );
}

describe('ReadinessOverviewCard', () => {
  it('shows the level, the score and what blocks production, with a link to the tab', async () => {
    await renderCard();
    expect(await screen.findByText('46%')).toBeInTheDocument();
    expect(screen.getByText('Blocking production (3)')).toBeInTheDocument();
    expect(screen.getByText('Restore tested recently')).toBeInTheDocument();
    expect(
      screen.getByText(
        'Prometheus "main" failed: connect ECONNREFUSED 10.0.0.5:9090',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /View all checks/ }),
    ).toHaveAttribute('href', '/production-readiness');
  });

  it('says when nothing blocks production', async () => {
    await renderCard(
      fakeApi({
        getReport: async () => ({
          ...mixedReport,
          gate: {
            ...mixedReport.gate,
            achievedLevel: 'gold',
            allowed: true,
            blocking: [],
          },
        }),
      }),
    );
    expect(
      await screen.findByText('Nothing blocks production.'),
    ).toBeInTheDocument();
  });

  it('says when the entity was not evaluated yet', async () => {
    await renderCard(fakeApi({ getReport: async () => notEvaluatedReport }));
    expect(await screen.findByText('Not evaluated yet.')).toBeInTheDocument();
  });
});
