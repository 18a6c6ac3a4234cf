import { Table, TableColumn } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { Typography } from '@material-ui/core';
import {
  ContestedEvidence,
  OverviewEntry,
} from '@production-readiness/plugin-production-readiness-common';
import { ReadinessTabLink } from './ReadinessTabLink';

/** A table row: one contested item together with the entity that selects it. */
interface ContestedRow extends ContestedEvidence {
  entityRef: string;
  entityTitle?: string;
}

/** The rows for `entries`, so that the claimants of one piece of evidence sit together. */
function contestedRows(entries: OverviewEntry[]): ContestedRow[] {
  return entries
    .flatMap(entry =>
      (entry.contested ?? []).map(item => ({
        ...item,
        entityRef: entry.entityRef,
        entityTitle: entry.title,
      })),
    )
    .sort(
      (a, b) =>
        a.kind.localeCompare(b.kind, 'en-US') ||
        a.id.localeCompare(b.id, 'en-US') ||
        a.entityRef.localeCompare(b.entityRef, 'en-US'),
    );
}

/** The modules quote what to write (an annotation, a label, a file) in backticks: shown as code. */
function Settle(props: { text: string }) {
  return (
    <>
      {props.text
        .split(/`([^`]+)`/)
        .map((part, i) => (i % 2 ? <code key={i}>{part}</code> : part))}
    </>
  );
}

function Claimants(props: { row: ContestedRow }) {
  const { row } = props;
  if (row.reason === 'named-other' && row.namedEntity) {
    return (
      <>
        names <EntityRefLink entityRef={row.namedEntity} hideIcon />
      </>
    );
  }
  return (
    <>
      {row.others.map(other => (
        <div key={`${other.entityRef} ${other.id}`}>
          <EntityRefLink entityRef={other.entityRef} hideIcon />
          <Typography variant="caption" display="block" color="textSecondary">
            {other.how}
            {other.id !== row.id && ` · ${other.id}`}
          </Typography>
        </div>
      ))}
    </>
  );
}

/**
 * Evidence that entities select but do not hold, because others select it too or it names
 * another entity. It counts for no one until settled, so the checks relying on it fail or stay
 * unknown; the owners find here who else claims it and how to settle it.
 */
export function FleetContested(props: { entries: OverviewEntry[] }) {
  const rows = contestedRows(props.entries);
  // Widths for every column: material-table shares out 100% among the columns without one,
  // regardless of those with one. How to settle is by far the longest text of a row.
  const columns: TableColumn<ContestedRow>[] = [
    {
      title: 'Entity',
      field: 'entityRef',
      width: '15%',
      render: row => (
        <ReadinessTabLink entityRef={row.entityRef} title={row.entityTitle} />
      ),
    },
    {
      title: 'Evidence',
      field: 'id',
      width: '20%',
      render: row => (
        <>
          {row.id}
          <Typography variant="caption" display="block" color="textSecondary">
            {row.kind}
          </Typography>
        </>
      ),
    },
    {
      title: 'Selected by',
      field: 'how',
      width: '15%',
    },
    {
      title: 'Also claimed by',
      sorting: false,
      width: '15%',
      render: row => <Claimants row={row} />,
    },
    {
      title: 'How to settle',
      field: 'settle',
      sorting: false,
      width: '35%',
      render: row => <Settle text={row.settle} />,
    },
  ];
  return (
    <Table<ContestedRow>
      title={`Contested evidence (${rows.length})`}
      subtitle="Selected by more than one entity, or naming another one: it counts for no one until settled."
      columns={columns}
      data={rows}
      options={{
        paging: false,
        search: false,
        padding: 'dense',
      }}
    />
  );
}
