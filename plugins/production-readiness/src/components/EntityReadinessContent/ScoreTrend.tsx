import { makeStyles, Typography, useTheme } from '@material-ui/core';
import { ScorePoint } from '@production-readiness/plugin-production-readiness-common';

const useStyles = makeStyles(theme => ({
  root: { display: 'flex', alignItems: 'center', gap: theme.spacing(1) },
}));

const WIDTH = 160;
const HEIGHT = 36;

/** A sparkline of the score since the start of the history window (points only on change). */
export function ScoreTrend(props: { trend: ScorePoint[]; now?: Date }) {
  const classes = useStyles();
  const theme = useTheme();
  if (props.trend.length === 0) {
    return null;
  }
  const end = (props.now ?? new Date()).getTime();
  const start = Math.min(...props.trend.map(p => Date.parse(p.at)));
  const span = Math.max(end - start, 1);
  const x = (t: number) => ((t - start) / span) * WIDTH;
  const y = (score: number) => HEIGHT - 2 - (score / 100) * (HEIGHT - 4);
  // A step line: each score holds until the next change, the last one until now.
  let path = '';
  props.trend.forEach((point, i) => {
    const px = x(Date.parse(point.at));
    const py = y(point.score);
    path += i === 0 ? `M${px},${py}` : ` H${px} V${py}`;
  });
  path += ` H${WIDTH}`;
  const first = props.trend[0];
  const last = props.trend[props.trend.length - 1];
  const changes = props.trend.length - 1;
  const since = new Date(start).toLocaleDateString('en-GB', {
    dateStyle: 'medium',
  });
  const label =
    changes === 0
      ? `Score ${last.score}% since ${since}`
      : `Score ${first.score}% → ${
          last.score
        }% since ${since} (${changes} change${changes > 1 ? 's' : ''})`;
  return (
    <div className={classes.root}>
      <svg width={WIDTH} height={HEIGHT} role="img" aria-label={label}>
        <path
          d={path}
          fill="none"
          stroke={theme.palette.primary.main}
          strokeWidth={2}
        />
      </svg>
      <Typography variant="caption" color="textSecondary">
        {label}
      </Typography>
    </div>
  );
}
