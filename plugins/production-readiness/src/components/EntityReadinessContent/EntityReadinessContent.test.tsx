import { ResponseError } from '@backstage/errors';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  MockPermissionApi,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  ProductionReadinessApi,
  productionReadinessApiRef,
} from '@production-readiness/plugin-production-readiness-react';
import {
  fakeApi,
  mixedReport,
  notEvaluatedReport,
  paymentsApi,
} from '../../__testUtils__/fixtures';
import {
  AppliedWaiver,
  CheckStatus,
  ReadinessReport,
} from '@production-readiness/plugin-production-readiness-common';
import { EntityReadinessContent } from './EntityReadinessContent';

async function renderTab(
  api: ProductionReadinessApi,
  permission:
    | AuthorizeResult.ALLOW
    | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
  entity = paymentsApi,
) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [productionReadinessApiRef, api],
        [permissionApiRef, new MockPermissionApi(() => permission)],
      ]}
    >
      <EntityProvider entity={entity}>
        <EntityReadinessContent />
      </EntityProvider>
    </TestApiProvider>,
  );
}

const requested: AppliedWaiver = {
  origin: 'annotation',
  state: 'requested',
  requestedBy: 'group:default/team-payments',
  reason: 'runbook is being written this sprint',
  expiresAt: '2026-12-31T23:59:59.999Z',
};

/** mixedReport with another waiver on its runbook result. */
function withRunbookWaiver(
  waiver: AppliedWaiver,
  status: CheckStatus = waiver.state === 'approved' ? 'waived' : 'fail',
): ReadinessReport {
  return {
    ...mixedReport,
    results: mixedReport.results.map(r =>
      r.checkId === 'documentation.runbook' ? { ...r, status, waiver } : r,
    ),
  };
}

describe('EntityReadinessContent', () => {
  it('shows skeletons while the report loads', async () => {
    await renderTab(fakeApi({ getReport: () => new Promise(() => {}) }));
    expect(
      screen.getByRole('progressbar', { name: 'Loading readiness report' }),
    ).toBeInTheDocument();
  });

  it('says why the report could not be loaded', async () => {
    const response = new Response(
      JSON.stringify({
        error: {
          name: 'NotAllowedError',
          message: 'Not allowed: production-readiness.report.read',
        },
        response: { statusCode: 403 },
      }),
      {
        status: 403,
        statusText: 'Forbidden',
        headers: { 'Content-Type': 'application/json' },
      },
    );
    const error = await ResponseError.fromResponse(response as any);
    await renderTab(fakeApi({ getReport: () => Promise.reject(error) }));
    expect(
      await screen.findByText(/Could not load the readiness report/),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText(/Not allowed: production-readiness.report.read/)
        .length,
    ).toBeGreaterThan(0);
  });

  it('explains an entity that was never evaluated and offers to run the checks', async () => {
    const refresh = jest.fn(async () => mixedReport);
    await renderTab(
      fakeApi({ getReport: async () => notEvaluatedReport, refresh }),
    );
    expect(await screen.findByText('Not evaluated yet')).toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('button', { name: 'Run checks now' }),
    );
    expect(refresh).toHaveBeenCalledWith('component:default/payments-api');
    expect(
      await screen.findByText('Production gate: blocked by 3 check(s)'),
    ).toBeInTheDocument();
  });

  it('shows the gate, pillar scores and checks grouped by pillar, worst first', async () => {
    await renderTab(fakeApi());
    expect(
      await screen.findByText('Production gate: blocked by 3 check(s)'),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('score')).toHaveTextContent('46%');

    const availability = screen.getByRole('region', { name: 'Availability' });
    const titles = within(availability)
      .getAllByRole('button')
      .map(b => b.textContent);
    expect(titles[0]).toContain('PodDisruptionBudget');
    expect(titles[1]).toContain('At least two replicas');

    const sections = screen
      .getAllByRole('region')
      .map(r => r.getAttribute('aria-label'))
      .filter(label => label !== 'Pushed evidence');
    // Worst pillars first; Documentation (waived, 100%) last.
    expect(sections[sections.length - 1]).toBe('Documentation');

    expect(
      screen.getByText(
        'Prometheus "main" failed: connect ECONNREFUSED 10.0.0.5:9090',
        {
          selector: 'p[title]',
        },
      ),
    ).toBeInTheDocument();
  });

  it('expands a check to its evidence, remediation and docs link', async () => {
    await renderTab(fakeApi());
    await userEvent.click(
      await screen.findByRole('button', { name: /Restore tested recently/ }),
    );
    expect(
      await screen.findByRole('table', { name: 'evidence' }),
    ).toHaveTextContent('backup:demo-s3');
    expect(screen.getByText('How to fix')).toBeInTheDocument();
    expect(
      screen.getByText('Schedule the restore-test CronJob.'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', {
        name: /Documentation for Restore tested recently/,
      }),
    ).toHaveAttribute('href', 'https://docs.example.com/restore-tests');
  });

  it('shows an approved waiver with who asked, who approved, until when and the underlying status', async () => {
    await renderTab(fakeApi());
    await userEvent.click(
      await screen.findByRole('button', { name: /Runbook linked/ }),
    );
    expect(await screen.findByText(/Waived until/)).toHaveTextContent(
      'Waived until 31 Dec 2026, 23:59: requested by group:default/team-payments, approved by user:default/platform-lead on 20 Nov 2026, 09:00',
    );
    expect(
      screen.getByText(/runbook is being written this sprint/),
    ).toHaveTextContent('Without the waiver this check is fail.');
    expect(
      screen.queryByRole('button', { name: 'Approve waiver' }),
    ).not.toBeInTheDocument();
  });

  it('approves a waiting request until a chosen time, then shows the reloaded report', async () => {
    // Refused as the backend refuses: a 403 whose body says why.
    const refusal = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: {
            name: 'NotAllowedError',
            message:
              'The waiver request for documentation.runbook comes from group:default/team-payments, of which you are a member: someone outside the owning team must approve it',
          },
          response: { statusCode: 403 },
        }),
        {
          status: 403,
          statusText: 'Forbidden',
          headers: { 'Content-Type': 'application/json' },
        },
      ) as any,
    );
    const approveWaiverRequest = jest.fn(async () => {
      throw refusal;
    });
    const getReport = jest
      .fn()
      .mockResolvedValueOnce(withRunbookWaiver(requested))
      .mockResolvedValue(mixedReport);
    await renderTab(fakeApi({ getReport, approveWaiverRequest }));
    await userEvent.click(
      await screen.findByRole('button', { name: /Runbook linked/ }),
    );
    expect(await screen.findByText(/waiting for approval/)).toHaveTextContent(
      'Waiver requested by group:default/team-payments until 31 Dec 2026, 23:59: waiting for approval',
    );
    expect(
      screen.getByText(/runbook is being written this sprint/),
    ).toHaveTextContent(
      'It does not apply until someone outside the owning team with the waiver permission approves it; until then this check counts as fail.',
    );

    await userEvent.click(
      screen.getByRole('button', { name: 'Approve waiver' }),
    );
    const dialog = await screen.findByRole('dialog');
    const until = within(dialog).getByLabelText('Waived until');
    // The requested end, to the second, in the browser's time zone.
    expect(new Date((until as HTMLInputElement).value).toISOString()).toBe(
      '2026-12-31T23:59:59.000Z',
    );
    // jsdom sanitises a datetime-local value typed key by key; set it as a picker would.
    fireEvent.change(until, { target: { value: '2026-12-20T12:30:00' } });
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Approve' }),
    );
    // Refused: the reason stays in the dialog, and nothing reloads.
    expect(
      await within(dialog).findByText(/someone outside the owning team/),
    ).toHaveTextContent(
      'Could not approve the waiver: The waiver request for documentation.runbook comes from group:default/team-payments, of which you are a member: someone outside the owning team must approve it',
    );
    expect(getReport).toHaveBeenCalledTimes(1);

    approveWaiverRequest.mockResolvedValueOnce({} as never);
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Approve' }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(approveWaiverRequest).toHaveBeenLastCalledWith(
      'component:default/payments-api',
      'documentation.runbook',
      { until: new Date('2026-12-20T12:30:00').toISOString() },
    );
    await waitFor(() => expect(getReport).toHaveBeenCalledTimes(2));
  });

  it('says when a waiver lapsed since the checks ran', async () => {
    await renderTab(
      fakeApi({
        getReport: async () =>
          withRunbookWaiver({ ...requested, state: 'expired' }, 'fail'),
      }),
    );
    await userEvent.click(
      await screen.findByRole('button', { name: /Runbook linked/ }),
    );
    expect(await screen.findByText(/Waiver expired on/)).toHaveTextContent(
      'Waiver expired on 31 Dec 2026, 23:59',
    );
    expect(
      screen.getByText(/runbook is being written this sprint/),
    ).toHaveTextContent('This check counts as fail again.');
  });

  it('lists the records jobs pushed, with who pushed them and when, and links their logs', async () => {
    await renderTab(fakeApi({ getReport: async () => mixedReport }));
    const section = await screen.findByRole('region', {
      name: 'Pushed evidence',
    });
    const items = within(section).getAllByRole('listitem');
    expect(items.map(i => i.textContent)).toEqual([
      'restore-test: failed · observed 22 Nov 2026, 03:40pushed by service:payments-restore-job at 22 Nov 2026, 03:40 · log, Opens in a new window',
      'backup-run · observed 22 Nov 2026, 02:10pushed by user:default/ines at 22 Nov 2026, 02:10',
    ]);
    expect(
      within(items[0]).getByRole('link', { name: /^log/ }),
    ).toHaveAttribute(
      'href',
      'https://logs.example.com/payments-restore/20261122',
    );
  });

  it('shows no pushed-evidence section when nothing was pushed', async () => {
    await renderTab(
      fakeApi({ getReport: async () => ({ ...mixedReport, pushed: [] }) }),
    );
    await screen.findByText('Recent changes');
    expect(
      screen.queryByRole('region', { name: 'Pushed evidence' }),
    ).not.toBeInTheDocument();
  });

  it('re-runs the checks with progress, and shows why a re-run failed', async () => {
    let finish: (report: typeof mixedReport) => void = () => {};
    const refresh = jest.fn(
      () => new Promise<typeof mixedReport>(resolve => (finish = resolve)),
    );
    await renderTab(fakeApi({ refresh }));
    await userEvent.click(
      await screen.findByRole('button', { name: 'Re-run checks' }),
    );
    expect(
      await screen.findByRole('button', { name: 'Running checks…' }),
    ).toBeDisabled();
    finish({
      ...mixedReport,
      score: 100,
      gate: { ...mixedReport.gate, allowed: true, blocking: [] },
    });
    expect(
      await screen.findByText('Production gate: allowed'),
    ).toBeInTheDocument();

    refresh.mockImplementationOnce(() =>
      Promise.reject(
        new Error(
          'This entity was refreshed less than 30 s ago; try again later',
        ),
      ),
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Re-run checks' }),
    );
    expect(
      await screen.findByText(/Re-running the checks failed/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/refreshed less than 30 s ago/),
    ).toBeInTheDocument();
  });

  it('hides the re-run and approve buttons without the permissions', async () => {
    // usePermission caches decisions per permission and entity for the whole test file, so
    // this test asks about an entity no other test did.
    await renderTab(
      fakeApi({ getReport: async () => withRunbookWaiver(requested) }),
      AuthorizeResult.DENY,
      {
        ...paymentsApi,
        metadata: { ...paymentsApi.metadata, name: 'ledger-api' },
      },
    );
    expect(
      await screen.findByText('Production gate: blocked by 3 check(s)'),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(
        screen.queryByRole('button', { name: 'Re-run checks' }),
      ).not.toBeInTheDocument(),
    );
    await userEvent.click(
      screen.getByRole('button', { name: /Runbook linked/ }),
    );
    expect(await screen.findByText(/waiting for approval/)).toBeVisible();
    expect(
      screen.queryByRole('button', { name: 'Approve waiver' }),
    ).not.toBeInTheDocument();
  });
});
