import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  Box,
  List,
  ListItem,
  ListItemIcon,
  ListItemText,
  makeStyles,
  Typography,
} from '@material-ui/core';
import { ReadinessReport } from '@production-readiness/plugin-production-readiness-common';
import {
  LevelChip,
  StatusIcon,
  useReadinessReport,
} from '@production-readiness/plugin-production-readiness-react';
import { SummaryText } from '../SummaryText';

const useStyles = makeStyles(theme => ({
  row: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    flexWrap: 'wrap',
  },
  score: {
    fontSize: '1.75rem',
    fontWeight: 600,
    marginRight: theme.spacing(1),
  },
}));

const MAX_BLOCKING = 5;

function CardBody({ report }: { report: ReadinessReport }) {
  const classes = useStyles();
  if (!report.evaluatedAt) {
    return <Typography variant="body2">Not evaluated yet.</Typography>;
  }
  const { gate } = report;
  return (
    <>
      <div className={classes.row}>
        <Typography className={classes.score}>{report.score}%</Typography>
        <LevelChip level={gate.achievedLevel} />
        <Typography variant="body2">of required</Typography>
        <LevelChip level={gate.requiredLevel} />
      </div>
      <Box mt={1}>
        {gate.blocking.length === 0 && (
          <Typography variant="body2">
            {gate.allowed
              ? 'Nothing blocks production.'
              : 'Blocked, with no blocking check listed.'}
          </Typography>
        )}
        {gate.blocking.length > 0 && (
          <>
            <Typography variant="subtitle2">
              Blocking production ({gate.blocking.length})
            </Typography>
            <List dense disablePadding>
              {gate.blocking.slice(0, MAX_BLOCKING).map(b => (
                <ListItem key={b.checkId} disableGutters>
                  <ListItemIcon style={{ minWidth: 32 }}>
                    <StatusIcon status={b.status} />
                  </ListItemIcon>
                  <ListItemText
                    primary={b.title}
                    secondary={<SummaryText summary={b.summary} />}
                  />
                </ListItem>
              ))}
            </List>
            {gate.blocking.length > MAX_BLOCKING && (
              <Typography variant="caption" color="textSecondary">
                and {gate.blocking.length - MAX_BLOCKING} more
              </Typography>
            )}
          </>
        )}
      </Box>
    </>
  );
}

/** Overview-tab card: level, gate verdict and the checks that block production. */
export function ReadinessOverviewCard() {
  const { entity } = useEntity();
  const { report, loading, error } = useReadinessReport(
    stringifyEntityRef(entity),
  );
  const deepLink = { title: 'View all checks', link: 'production-readiness' };

  if (error) {
    return (
      <ResponseErrorPanel
        title="Production readiness unavailable"
        error={error}
      />
    );
  }
  return (
    <InfoCard title="Production readiness" deepLink={deepLink}>
      {loading || !report ? <Progress /> : <CardBody report={report} />}
    </InfoCard>
  );
}
