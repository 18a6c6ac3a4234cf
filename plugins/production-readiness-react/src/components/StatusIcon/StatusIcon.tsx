import { makeStyles, Tooltip } from '@material-ui/core';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import CancelIcon from '@material-ui/icons/Cancel';
import WarningIcon from '@material-ui/icons/Warning';
import HelpIcon from '@material-ui/icons/Help';
import ReportProblemIcon from '@material-ui/icons/ReportProblemOutlined';
import PauseCircleIcon from '@material-ui/icons/PauseCircleFilled';
import { CheckStatus } from '@production-readiness/plugin-production-readiness-common';

/** What each status means, in words, for tooltips and screen readers. @public */
export const STATUS_DESCRIPTIONS: Record<CheckStatus, string> = {
  pass: 'Passed',
  warn: 'Passed with a warning',
  fail: 'Failed',
  unknown: 'Unknown: no data for this entity',
  error: 'Error: the data source failed',
  waived: 'Waived',
};

const useStyles = makeStyles(theme => ({
  pass: { color: theme.palette.success.main },
  warn: { color: theme.palette.warning.main },
  fail: { color: theme.palette.error.main },
  unknown: { color: theme.palette.text.disabled },
  error: { color: theme.palette.secondary.main },
  waived: { color: theme.palette.info.main },
}));

const ICONS: Record<CheckStatus, typeof CheckCircleIcon> = {
  pass: CheckCircleIcon,
  warn: WarningIcon,
  fail: CancelIcon,
  unknown: HelpIcon,
  error: ReportProblemIcon,
  waived: PauseCircleIcon,
};

/** The icon of a check status, with its meaning as tooltip and accessible name. @public */
export function StatusIcon(props: {
  status: CheckStatus;
  fontSize?: 'small' | 'inherit' | 'default' | 'large';
}) {
  const classes = useStyles();
  const Icon = ICONS[props.status];
  return (
    <Tooltip title={STATUS_DESCRIPTIONS[props.status]}>
      <Icon
        className={classes[props.status]}
        fontSize={props.fontSize ?? 'small'}
        aria-label={STATUS_DESCRIPTIONS[props.status]}
        role="img"
        // Material UI hides icons from assistive technology unless told otherwise.
        aria-hidden={false}
      />
    </Tooltip>
  );
}
