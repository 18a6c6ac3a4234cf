import { Link } from '@backstage/core-components';
import {
  Accordion,
  AccordionDetails,
  AccordionSummary,
  Box,
  Chip,
  makeStyles,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import {
  CheckDefinition,
  CheckResult,
  Evidence,
} from '@production-readiness/plugin-production-readiness-common';
import {
  STATUS_DESCRIPTIONS,
  StatusIcon,
} from '@production-readiness/plugin-production-readiness-react';
import { formatDate } from '../formatDate';
import { WaiverPanel } from './WaiverPanel';
import { SummaryText, summaryAsText } from '../SummaryText';

const useStyles = makeStyles(theme => ({
  // Without minWidth the summary row grows past the card for long summaries.
  summaryContent: { minWidth: 0, overflow: 'hidden' },
  summary: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1.5),
    width: '100%',
    minWidth: 0,
  },
  title: { fontWeight: 500, flexShrink: 0 },
  text: {
    color: theme.palette.text.secondary,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
    flexGrow: 1,
    minWidth: 0,
  },
  severity: { flexShrink: 0, textTransform: 'capitalize' },
  details: { display: 'block' },
  section: { marginBottom: theme.spacing(2) },
  value: {
    fontFamily: 'monospace',
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-word',
  },
}));

function formatValue(value: Evidence['value']): string {
  if (value === undefined) return '';
  if (value === null) return 'null';
  return typeof value === 'object'
    ? JSON.stringify(value, null, 2)
    : String(value);
}

function EvidenceTable(props: { evidence: Evidence[] }) {
  const classes = useStyles();
  return (
    <Table size="small" aria-label="evidence">
      <TableHead>
        <TableRow>
          <TableCell>Looked at</TableCell>
          <TableCell>Found</TableCell>
          <TableCell>Source</TableCell>
          <TableCell>When</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.evidence.map((item, index) => (
          <TableRow key={index}>
            <TableCell>
              {item.url ? <Link to={item.url}>{item.label}</Link> : item.label}
            </TableCell>
            <TableCell className={classes.value}>
              {formatValue(item.value)}
            </TableCell>
            <TableCell>{item.source ?? ''}</TableCell>
            <TableCell>
              {item.timestamp ? formatDate(item.timestamp) : ''}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** One check of the tab: status, title and summary; details expand below. */
export function CheckRow(props: {
  entityRef: string;
  check: CheckDefinition;
  result: CheckResult;
  /** Whether the viewer holds the waiver permission on the entity (may approve requests). */
  canManageWaivers: boolean;
  onWaiverChanged: () => void;
}) {
  const { entityRef, check, result, canManageWaivers, onWaiverChanged } = props;
  const classes = useStyles();
  const needsAttention = !['pass', 'waived'].includes(result.status);
  return (
    <Accordion TransitionProps={{ unmountOnExit: true }} variant="outlined">
      <AccordionSummary
        classes={{ content: classes.summaryContent }}
        expandIcon={<ExpandMoreIcon />}
        aria-controls={`${check.id}-details`}
        id={`${check.id}-summary`}
      >
        <div className={classes.summary}>
          <StatusIcon status={result.status} />
          <Typography className={classes.title}>{check.title}</Typography>
          <Typography
            variant="body2"
            className={classes.text}
            title={summaryAsText(result.summary)}
          >
            <SummaryText summary={result.summary} />
          </Typography>
          <Chip
            className={classes.severity}
            size="small"
            variant="outlined"
            label={check.severity}
          />
        </div>
      </AccordionSummary>
      <AccordionDetails className={classes.details} id={`${check.id}-details`}>
        <Box className={classes.section}>
          <Typography variant="body2">
            <SummaryText summary={result.summary} />
          </Typography>
          <Typography variant="caption" color="textSecondary">
            {STATUS_DESCRIPTIONS[result.status]} since{' '}
            {formatDate(result.changedAt)} · last evaluated{' '}
            {formatDate(result.evaluatedAt)} · check <code>{check.id}</code>
          </Typography>
        </Box>
        <WaiverPanel
          entityRef={entityRef}
          check={check}
          result={result}
          canManageWaivers={canManageWaivers}
          onWaiverChanged={onWaiverChanged}
        />
        {result.evidence.length > 0 && (
          <Box className={classes.section}>
            <Typography variant="subtitle2">Evidence</Typography>
            <EvidenceTable evidence={result.evidence} />
          </Box>
        )}
        <Box className={classes.section}>
          <Typography variant="subtitle2">
            {needsAttention ? 'How to fix' : 'What this check requires'}
          </Typography>
          <Typography variant="body2">
            {needsAttention
              ? result.remediation ?? check.remediation
              : check.description}
          </Typography>
          {check.docsUrl && (
            <Link to={check.docsUrl}>Documentation for {check.title}</Link>
          )}
        </Box>
      </AccordionDetails>
    </Accordion>
  );
}
