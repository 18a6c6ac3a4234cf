import { Link } from '@backstage/core-components';
import {
  List,
  ListItem,
  ListItemText,
  Box,
  Typography,
} from '@material-ui/core';
import { PushedEvidenceEntry } from '@production-readiness/plugin-production-readiness-common';
import { formatDate } from '../formatDate';

/**
 * The records jobs pushed for the entity (restore tests, backup runs, load tests): what,
 * when it was observed, and who pushed it when. The checks that read them say which record
 * they rest on; this list shows every recent push, also those no check reads.
 */
export function PushedEvidence(props: { pushed: PushedEvidenceEntry[] }) {
  if (props.pushed.length === 0) {
    return null;
  }
  return (
    <Box mt={3} component="section" aria-label="Pushed evidence">
      <Typography variant="h6">Pushed evidence</Typography>
      <List dense>
        {props.pushed.map(entry => (
          <ListItem key={entry.id}>
            <ListItemText
              primary={`${entry.type}${
                entry.status ? `: ${entry.status}` : ''
              } · observed ${formatDate(entry.observedAt)}`}
              secondary={
                <>
                  {`pushed by ${entry.pushedBy} at ${formatDate(
                    entry.receivedAt,
                  )}`}
                  {entry.logUrl && (
                    <>
                      {' · '}
                      <Link to={entry.logUrl}>log</Link>
                    </>
                  )}
                </>
              }
            />
          </ListItem>
        ))}
      </List>
    </Box>
  );
}
