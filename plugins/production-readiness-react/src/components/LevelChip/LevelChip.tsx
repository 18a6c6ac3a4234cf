import { Chip, makeStyles } from '@material-ui/core';

const useStyles = makeStyles(theme => ({
  none: {
    backgroundColor: theme.palette.grey[300],
    color: theme.palette.grey[800],
  },
  bronze: { backgroundColor: '#cd7f32', color: '#fff' },
  silver: { backgroundColor: '#8e9aa6', color: '#fff' },
  gold: { backgroundColor: '#c9a227', color: '#fff' },
  other: {
    backgroundColor: theme.palette.primary.main,
    color: theme.palette.primary.contrastText,
  },
}));

/** A readiness level (`none`, `bronze`, `silver`, `gold` or a configured one) as a chip. @public */
export function LevelChip(props: {
  level: string;
  label?: string;
  size?: 'small' | 'medium';
}) {
  const classes = useStyles();
  const known = ['none', 'bronze', 'silver', 'gold'].includes(props.level);
  const className = known ? classes[props.level as 'none'] : classes.other;
  return (
    <Chip
      className={className}
      size={props.size ?? 'small'}
      label={props.label ?? (props.level === 'none' ? 'no level' : props.level)}
    />
  );
}
