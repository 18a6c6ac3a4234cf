import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  EmptyState,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  Box,
  Button,
  List,
  ListItem,
  ListItemIcon,
  ListItemText,
  makeStyles,
  Typography,
} from '@material-ui/core';
import { Skeleton } from '@material-ui/lab';
import {
  BUILT_IN_PILLARS,
  CheckDefinition,
  CheckResult,
  CheckStatus,
  productionReadinessRefreshPermission,
  productionReadinessWaiverManagePermission,
  ReadinessReport,
  SEVERITIES,
} from '@production-readiness/plugin-production-readiness-common';
import {
  errorMessage,
  StatusIcon,
  useCheckCatalogue,
  useReadinessReport,
} from '@production-readiness/plugin-production-readiness-react';
import { CheckRow } from './CheckRow';
import { formatDate } from '../formatDate';
import { PillarScores, ReadinessSummary } from './ReadinessSummary';
import { PushedEvidence } from './PushedEvidence';
import { summaryAsText } from '../SummaryText';

/** Worst first: what needs doing comes to the top. */
const STATUS_ORDER: CheckStatus[] = [
  'fail',
  'error',
  'unknown',
  'warn',
  'waived',
  'pass',
];

const useStyles = makeStyles(theme => ({
  pillarHeading: { margin: theme.spacing(3, 0, 1) },
}));

function sortResults(
  results: Array<{ check: CheckDefinition; result: CheckResult }>,
) {
  return [...results].sort(
    (a, b) =>
      STATUS_ORDER.indexOf(a.result.status) -
        STATUS_ORDER.indexOf(b.result.status) ||
      SEVERITIES.indexOf(a.check.severity) -
        SEVERITIES.indexOf(b.check.severity) ||
      a.check.title.localeCompare(b.check.title),
  );
}

function LoadingState() {
  return (
    <Box
      role="progressbar"
      aria-busy="true"
      aria-label="Loading readiness report"
    >
      <Skeleton variant="rect" height={88} style={{ marginBottom: 16 }} />
      <Skeleton variant="rect" height={64} style={{ marginBottom: 16 }} />
      {[0, 1, 2, 3].map(i => (
        <Skeleton
          key={i}
          variant="rect"
          height={48}
          style={{ marginBottom: 8 }}
        />
      ))}
    </Box>
  );
}

function History(props: {
  report: ReadinessReport;
  titles: Map<string, string>;
}) {
  if (props.report.history.length === 0) {
    return null;
  }
  return (
    <Box mt={3}>
      <Typography variant="h6">Recent changes</Typography>
      <List dense>
        {props.report.history.slice(0, 10).map(entry => (
          <ListItem key={`${entry.checkId}-${entry.firstSeen}`}>
            <ListItemIcon>
              <StatusIcon status={entry.status} />
            </ListItemIcon>
            <ListItemText
              primary={`${props.titles.get(entry.checkId) ?? entry.checkId}: ${
                entry.status
              }`}
              secondary={`${formatDate(entry.firstSeen)} · ${summaryAsText(
                entry.summary,
              )}`}
            />
          </ListItem>
        ))}
      </List>
    </Box>
  );
}

/** The Production Readiness tab of an entity. */
export function EntityReadinessContent() {
  const classes = useStyles();
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const { report, loading, error, retry, refresh, refreshing, refreshError } =
    useReadinessReport(entityRef);
  const { catalogue, error: catalogueError } = useCheckCatalogue();
  const { allowed: canRefresh } = usePermission({
    permission: productionReadinessRefreshPermission,
    resourceRef: entityRef,
  });
  const { allowed: canManageWaivers } = usePermission({
    permission: productionReadinessWaiverManagePermission,
    resourceRef: entityRef,
  });

  if (error || catalogueError) {
    return (
      <ResponseErrorPanel
        title="Could not load the readiness report"
        error={(error ?? catalogueError)!}
      />
    );
  }
  if (loading || !report || !catalogue) {
    return <LoadingState />;
  }

  const refreshProblem = refreshError && (
    <Box mb={2}>
      <WarningPanel
        severity="warning"
        title="Re-running the checks failed"
        message={errorMessage(refreshError)}
      />
    </Box>
  );

  if (!report.evaluatedAt) {
    return (
      <>
        {refreshProblem}
        <EmptyState
          missing="data"
          title="Not evaluated yet"
          description={`The readiness engine has not evaluated ${
            entity.metadata.title ?? entity.metadata.name
          } yet. It evaluates the whole catalog on a schedule${
            canRefresh ? '; you can run the checks now.' : '.'
          }`}
          action={
            <Box display="flex" gridGap={8}>
              {canRefresh && (
                <Button
                  variant="contained"
                  color="primary"
                  onClick={refresh}
                  disabled={refreshing}
                >
                  {refreshing ? 'Running checks…' : 'Run checks now'}
                </Button>
              )}
              <Button variant="outlined" onClick={retry}>
                Reload
              </Button>
            </Box>
          }
        />
      </>
    );
  }

  const checksById = new Map(catalogue.checks.map(c => [c.id, c]));
  const pillars = [
    ...BUILT_IN_PILLARS,
    ...catalogue.pillars.filter(
      p => !BUILT_IN_PILLARS.some(b => b.id === p.id),
    ),
  ];
  const rows = report.results.flatMap(result => {
    const check = checksById.get(result.checkId);
    return check ? [{ check, result }] : [];
  });
  const titles = new Map(catalogue.checks.map(c => [c.id, c.title]));
  // Pillars with the worst results first.
  const pillarOrder = [...report.pillars]
    .sort((a, b) => a.score - b.score)
    .map(p => p.pillar);

  return (
    <Box>
      {refreshProblem}
      <ReadinessSummary
        report={report}
        canRefresh={canRefresh}
        refreshing={refreshing}
        onRefresh={refresh}
      />
      <PillarScores report={report} pillars={pillars} />
      {pillarOrder.map(pillarId => {
        const pillar = pillars.find(p => p.id === pillarId);
        const pillarRows = sortResults(
          rows.filter(r => r.check.pillar === pillarId),
        );
        return (
          <section key={pillarId} aria-label={pillar?.title ?? pillarId}>
            <Typography variant="h6" className={classes.pillarHeading}>
              {pillar?.title ?? pillarId}
            </Typography>
            {pillarRows.map(({ check, result }) => (
              <CheckRow
                key={check.id}
                entityRef={entityRef}
                check={check}
                result={result}
                canManageWaivers={canManageWaivers}
                onWaiverChanged={retry}
              />
            ))}
          </section>
        );
      })}
      <History report={report} titles={titles} />
      <PushedEvidence pushed={report.pushed ?? []} />
    </Box>
  );
}
