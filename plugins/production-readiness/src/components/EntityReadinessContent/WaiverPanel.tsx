import { useApi } from '@backstage/core-plugin-api';
import {
  Box,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
  makeStyles,
  TextField,
  Typography,
} from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import {
  AppliedWaiver,
  CheckDefinition,
  CheckResult,
} from '@production-readiness/plugin-production-readiness-common';
import {
  errorMessage,
  productionReadinessApiRef,
} from '@production-readiness/plugin-production-readiness-react';
import { useState } from 'react';
import { formatDate } from '../formatDate';

const useStyles = makeStyles(theme => ({
  panel: { marginBottom: theme.spacing(2) },
  requested: { borderLeft: `4px solid ${theme.palette.warning.main}` },
  approved: { borderLeft: `4px solid ${theme.palette.info.main}` },
  expired: { borderLeft: `4px solid ${theme.palette.text.disabled}` },
  body: { paddingLeft: theme.spacing(1.5) },
}));

/** `2026-12-02T19:40:00.000Z` as the local `YYYY-MM-DDTHH:mm:ss` a datetime-local input takes. */
function toLocalInput(iso: string): string {
  const date = new Date(iso);
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000)
    .toISOString()
    .slice(0, 19);
}

function headline(waiver: AppliedWaiver): string {
  const until = formatDate(waiver.expiresAt);
  switch (waiver.state) {
    case 'requested':
      return `Waiver requested by ${
        waiver.requestedBy ?? 'the owner'
      } until ${until}: waiting for approval`;
    case 'approved':
      return waiver.origin === 'annotation'
        ? `Waived until ${until}: requested by ${
            waiver.requestedBy ?? 'the owner'
          }, approved by ${waiver.approvedBy ?? 'unknown'}${
            waiver.approvedAt ? ` on ${formatDate(waiver.approvedAt)}` : ''
          }`
        : `Waived until ${until} by ${
            waiver.approvedBy ?? waiver.createdBy ?? 'the API'
          }`;
    default:
      return `Waiver expired on ${until}${
        waiver.approvedBy ? ` (approved by ${waiver.approvedBy})` : ''
      }`;
  }
}

function consequence(result: CheckResult, waiver: AppliedWaiver): string {
  switch (waiver.state) {
    case 'requested':
      return `It does not apply until someone outside the owning team with the waiver permission approves it; until then this check counts as ${result.underlyingStatus}.`;
    case 'approved':
      return `Without the waiver this check is ${result.underlyingStatus}.`;
    default:
      return `This check counts as ${result.underlyingStatus} again.`;
  }
}

function ApproveDialog(props: {
  entityRef: string;
  check: CheckDefinition;
  waiver: AppliedWaiver;
  onClose: () => void;
  onApproved: () => void;
}) {
  const { entityRef, check, waiver, onClose, onApproved } = props;
  const api = useApi(productionReadinessApiRef);
  const [until, setUntil] = useState(toLocalInput(waiver.expiresAt));
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<Error>();

  const approve = async () => {
    setSaving(true);
    setError(undefined);
    try {
      const end = new Date(until);
      if (Number.isNaN(end.getTime())) {
        throw new Error(`"${until}" is not a date and time`);
      }
      await api.approveWaiverRequest(entityRef, check.id, {
        until: end.toISOString(),
      });
      onApproved();
    } catch (e) {
      setError(e as Error);
      setSaving(false);
    }
  };

  return (
    <Dialog open onClose={onClose} aria-labelledby={`${check.id}-approve`}>
      <DialogTitle id={`${check.id}-approve`}>
        Approve the waiver of {check.title}
      </DialogTitle>
      <DialogContent>
        <DialogContentText>
          {waiver.requestedBy ?? 'The owner'} asks to waive this{' '}
          {check.severity} check until {formatDate(waiver.expiresAt)}:{' '}
          <strong>{waiver.reason}</strong>
        </DialogContentText>
        <TextField
          id={`${check.id}-until`}
          label="Waived until"
          type="datetime-local"
          value={until}
          onChange={e => setUntil(e.target.value)}
          inputProps={{ step: 1 }}
          InputLabelProps={{ shrink: true }}
          helperText="At most the requested date, and never longer than the platform's maximum waiver duration."
          fullWidth
        />
        {error && (
          <Box mt={2}>
            <Alert severity="error">
              Could not approve the waiver: {errorMessage(error)}
            </Alert>
          </Box>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button
          color="primary"
          variant="contained"
          onClick={approve}
          disabled={saving}
        >
          {saving ? 'Approving…' : 'Approve'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}

/**
 * The waiver of one result: a request waiting for approval (with the Approve action for those
 * who may manage waivers), an approved waiver with who approved it and until when, or one that
 * lapsed since the checks ran.
 */
export function WaiverPanel(props: {
  entityRef: string;
  check: CheckDefinition;
  result: CheckResult;
  canManageWaivers: boolean;
  onWaiverChanged: () => void;
}) {
  const { entityRef, check, result, canManageWaivers, onWaiverChanged } = props;
  const classes = useStyles();
  const [approving, setApproving] = useState(false);
  const waiver = result.waiver;
  if (!waiver) {
    return null;
  }
  return (
    <Box
      className={`${classes.panel} ${classes[waiver.state]}`}
      aria-label="waiver"
    >
      <Box className={classes.body}>
        <Typography variant="subtitle2">{headline(waiver)}</Typography>
        <Typography variant="body2">
          Reason: {waiver.reason}. {consequence(result, waiver)}
        </Typography>
        {waiver.state === 'requested' && canManageWaivers && (
          <Box mt={1}>
            <Button
              size="small"
              variant="outlined"
              color="primary"
              onClick={() => setApproving(true)}
            >
              Approve waiver
            </Button>
          </Box>
        )}
      </Box>
      {approving && (
        <ApproveDialog
          entityRef={entityRef}
          check={check}
          waiver={waiver}
          onClose={() => setApproving(false)}
          onApproved={() => {
            setApproving(false);
            onWaiverChanged();
          }}
        />
      )}
    </Box>
  );
}
