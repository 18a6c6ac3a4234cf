import {
  Box,
  Button,
  CircularProgress,
  Grid,
  LinearProgress,
  makeStyles,
  Paper,
  Typography,
} from '@material-ui/core';
import RefreshIcon from '@material-ui/icons/Refresh';
import {
  PillarDefinition,
  ReadinessReport,
} from '@production-readiness/plugin-production-readiness-common';
import { LevelChip } from '@production-readiness/plugin-production-readiness-react';
import { ScoreTrend } from './ScoreTrend';
import { formatDate } from '../formatDate';

const useStyles = makeStyles(theme => ({
  header: { padding: theme.spacing(2), marginBottom: theme.spacing(2) },
  row: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(2),
    flexWrap: 'wrap',
  },
  score: { fontSize: '2.25rem', fontWeight: 600, lineHeight: 1 },
  gate: { fontWeight: 600 },
  allowed: { color: theme.palette.success.main },
  blocked: { color: theme.palette.error.main },
  spacer: { flexGrow: 1 },
  pillar: { padding: theme.spacing(1.5), height: '100%' },
  bar: { height: 6, borderRadius: 3, margin: theme.spacing(1, 0) },
}));

function gateText(gate: ReadinessReport['gate']): string {
  if (gate.requiredLevel === 'none') {
    // Not "allowed": nothing is asked of this entity, whatever its results.
    return 'No level required for this lifecycle';
  }
  return gate.allowed
    ? 'Production gate: allowed'
    : `Production gate: blocked by ${gate.blocking.length} check(s)`;
}

/** Level achieved vs required, gate verdict, score, trend, and the re-run button. */
export function ReadinessSummary(props: {
  report: ReadinessReport;
  canRefresh: boolean;
  refreshing: boolean;
  onRefresh: () => void;
}) {
  const classes = useStyles();
  const { report } = props;
  const { gate } = report;
  return (
    <Paper className={classes.header} variant="outlined">
      <div className={classes.row}>
        <Typography className={classes.score} aria-label="score">
          {report.score}%
        </Typography>
        <Box>
          <div className={classes.row}>
            <Typography variant="body2">Achieved</Typography>
            <LevelChip level={gate.achievedLevel} />
            <Typography variant="body2">required</Typography>
            <LevelChip level={gate.requiredLevel} />
          </div>
          <Typography
            variant="body2"
            className={`${classes.gate} ${
              gate.allowed ? classes.allowed : classes.blocked
            }`}
          >
            {gateText(gate)}
          </Typography>
        </Box>
        <ScoreTrend trend={report.trend} />
        <div className={classes.spacer} />
        <Box textAlign="right">
          {props.canRefresh && (
            <Button
              variant="outlined"
              color="primary"
              onClick={props.onRefresh}
              disabled={props.refreshing}
              startIcon={
                props.refreshing ? (
                  <CircularProgress size={16} />
                ) : (
                  <RefreshIcon />
                )
              }
            >
              {props.refreshing ? 'Running checks…' : 'Re-run checks'}
            </Button>
          )}
          {report.evaluatedAt && (
            <Typography variant="caption" display="block" color="textSecondary">
              Evaluated {formatDate(report.evaluatedAt)}
            </Typography>
          )}
        </Box>
      </div>
    </Paper>
  );
}

/** One small card per pillar with its score and how many checks need attention. */
export function PillarScores(props: {
  report: ReadinessReport;
  pillars: PillarDefinition[];
}) {
  const classes = useStyles();
  const titles = new Map(props.pillars.map(p => [p.id, p.title]));
  return (
    <Grid container spacing={2} style={{ marginBottom: 16 }}>
      {props.report.pillars.map(pillar => {
        const attention =
          pillar.counts.fail + pillar.counts.error + pillar.counts.unknown;
        return (
          <Grid item xs={6} sm={4} md={3} lg key={pillar.pillar}>
            <Paper variant="outlined" className={classes.pillar}>
              <Typography variant="subtitle2">
                {titles.get(pillar.pillar) ?? pillar.pillar}
              </Typography>
              <LinearProgress
                className={classes.bar}
                variant="determinate"
                value={pillar.score}
                color={pillar.score === 100 ? 'primary' : 'secondary'}
                aria-label={`${
                  titles.get(pillar.pillar) ?? pillar.pillar
                } score`}
              />
              <Typography variant="caption" color="textSecondary">
                {pillar.score}%
                {attention > 0
                  ? ` · ${attention} need attention`
                  : ' · all good'}
              </Typography>
            </Paper>
          </Grid>
        );
      })}
    </Grid>
  );
}
