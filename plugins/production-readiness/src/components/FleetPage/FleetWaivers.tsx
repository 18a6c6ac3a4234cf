import {
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { makeStyles, Typography } from '@material-ui/core';
import { CheckDefinition } from '@production-readiness/plugin-production-readiness-common';
import {
  productionReadinessApiRef,
  Waiver,
} from '@production-readiness/plugin-production-readiness-react';
import useAsync from 'react-use/esm/useAsync';
import { formatDate } from '../formatDate';
import { ReadinessTabLink } from './ReadinessTabLink';

const useStyles = makeStyles(theme => ({
  requested: { color: theme.palette.warning.dark, fontWeight: 500 },
  approved: { color: theme.palette.info.dark, fontWeight: 500 },
}));

/**
 * Every waiver of the fleet the viewer may read: annotation requests waiting for approval
 * first, then approved waivers, soonest expiry first. Approving happens on the entity's tab.
 */
export function FleetWaivers(props: { checks: CheckDefinition[] }) {
  const classes = useStyles();
  const api = useApi(productionReadinessApiRef);
  const { value, loading, error } = useAsync(
    () => api.listFleetWaivers(),
    [api],
  );
  const titles = new Map(props.checks.map(c => [c.id, c.title]));

  if (error) {
    return (
      <ResponseErrorPanel title="Could not load the waivers" error={error} />
    );
  }
  const rows = [...(value ?? [])].sort(
    (a, b) =>
      Number(a.state === 'approved') - Number(b.state === 'approved') ||
      Date.parse(a.expiresAt) - Date.parse(b.expiresAt),
  );
  const columns: TableColumn<Waiver>[] = [
    {
      title: 'Entity',
      field: 'entityRef',
      render: w => <ReadinessTabLink entityRef={w.entityRef} />,
    },
    {
      title: 'Check',
      field: 'checkId',
      render: w => (
        <>
          {titles.get(w.checkId) ?? w.checkId}
          <Typography variant="caption" display="block" color="textSecondary">
            {w.checkId}
          </Typography>
        </>
      ),
    },
    {
      title: 'State',
      field: 'state',
      render: w => (
        <Typography variant="body2" className={classes[w.state]}>
          {w.state === 'requested' ? 'waiting for approval' : 'approved'}
        </Typography>
      ),
    },
    {
      title: 'Requested by',
      field: 'requestedBy',
      render: w =>
        w.requestedBy ?? (w.origin === 'api' ? 'created through the API' : '—'),
    },
    {
      title: 'Approved by',
      field: 'approvedBy',
      render: w =>
        w.approvedBy
          ? `${w.approvedBy}${
              w.approvedAt ? ` · ${formatDate(w.approvedAt)}` : ''
            }`
          : '—',
    },
    {
      title: 'Until',
      field: 'expiresAt',
      render: w => formatDate(w.expiresAt),
    },
    { title: 'Reason', field: 'reason' },
  ];
  return (
    <Table<Waiver>
      title={`Waivers (${
        rows.filter(w => w.state === 'requested').length
      } waiting for approval)`}
      isLoading={loading}
      columns={columns}
      data={rows}
      options={{
        paging: false,
        search: false,
        padding: 'dense',
      }}
      emptyContent={
        <div style={{ padding: 16 }}>
          No waivers: every result counts as evaluated.
        </div>
      }
    />
  );
}
