import { parseEntityRef } from '@backstage/catalog-model';
import {
  Content,
  ContentHeader,
  Header,
  Page,
  ResponseErrorPanel,
  SupportButton,
  Table,
  TableColumn,
  TableFilter,
  TableState,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { Box, Button, makeStyles, Typography } from '@material-ui/core';
import GetAppIcon from '@material-ui/icons/GetApp';
import {
  BUILT_IN_PILLARS,
  OverviewEntry,
} from '@production-readiness/plugin-production-readiness-common';
import {
  LevelChip,
  productionReadinessApiRef,
} from '@production-readiness/plugin-production-readiness-react';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { downloadText, toCsv } from './csv';
import { FleetContested } from './FleetContested';
import { FleetWaivers } from './FleetWaivers';
import { ReadinessTabLink } from './ReadinessTabLink';

/** A table row: the overview entry plus the plain values filters and search work on. */
interface FleetRow extends OverviewEntry {
  ownerName: string;
  gate: string;
  lifecycleName: string;
}

const COLUMN = {
  entity: 'Entity',
  kind: 'Kind',
  owner: 'Owner',
  lifecycle: 'Lifecycle',
  level: 'Level',
  gate: 'Gate',
} as const;

const FILTERS: TableFilter[] = [
  { column: COLUMN.owner, type: 'multiple-select' },
  { column: COLUMN.kind, type: 'multiple-select' },
  { column: COLUMN.lifecycle, type: 'multiple-select' },
  { column: COLUMN.level, type: 'multiple-select' },
  { column: COLUMN.gate, type: 'select' },
];

function toRow(entry: OverviewEntry): FleetRow {
  return {
    ...entry,
    ownerName: entry.owner ? parseEntityRef(entry.owner).name : '—',
    gate: entry.allowed ? 'allowed' : 'blocked',
    lifecycleName: entry.lifecycle ?? '—',
  };
}

/** The rows the table shows for its current filters and search, for the CSV export. */
function visibleRows(rows: FleetRow[], state: TableState): FleetRow[] {
  const selected = (state.filters ?? {}) as Record<string, string | string[]>;
  const value: Record<string, (r: FleetRow) => string> = {
    [COLUMN.owner]: r => r.ownerName,
    [COLUMN.kind]: r => r.kind,
    [COLUMN.lifecycle]: r => r.lifecycleName,
    [COLUMN.level]: r => r.achievedLevel,
    [COLUMN.gate]: r => r.gate,
  };
  const search = state.search?.toLocaleLowerCase('en-US');
  return rows.filter(row => {
    for (const [column, wanted] of Object.entries(selected)) {
      const accepted = [wanted].flat().filter(Boolean);
      if (
        accepted.length &&
        value[column] &&
        !accepted.includes(value[column](row))
      ) {
        return false;
      }
    }
    return (
      !search ||
      [
        row.entityRef,
        row.title,
        row.ownerName,
        row.kind,
        row.lifecycleName,
        row.achievedLevel,
      ]
        .filter(Boolean)
        .some(v => String(v).toLocaleLowerCase('en-US').includes(search))
    );
  });
}

const useStyles = makeStyles(theme => ({
  allowed: { color: theme.palette.success.main, fontWeight: 500 },
  blocked: { color: theme.palette.error.main, fontWeight: 500 },
  // The pillar columns rarely fit beside the others and scroll sideways; the entity column
  // stays put so that every score can still be read against its entity. Its cells need the
  // row's own background (odd rows are shaded by the theme) to hide what scrolls beneath.
  fleet: {
    '& thead th:first-child, & tbody td:first-child': {
      position: 'sticky',
      left: 0,
      zIndex: 1,
      backgroundColor: theme.palette.background.paper,
    },
    '& tbody tr:nth-of-type(odd) td:first-child': {
      backgroundColor: theme.palette.background.default,
    },
  },
}));

/** Fleet overview: every entity's readiness by pillar, worst first. */
export function FleetPage() {
  const classes = useStyles();
  const api = useApi(productionReadinessApiRef);
  const [tableState, setTableState] = useState<TableState>({});
  const { value, loading, error } = useAsync(async () => {
    const [entries, catalogue] = await Promise.all([
      api.getOverview(),
      api.getChecks(),
    ]);
    return { rows: entries.map(toRow), catalogue };
  }, [api]);

  const pillars = value
    ? [
        ...BUILT_IN_PILLARS,
        ...value.catalogue.pillars.filter(
          p => !BUILT_IN_PILLARS.some(b => b.id === p.id),
        ),
      ].filter(p => value.rows.some(r => p.id in r.pillars))
    : [];

  const columns: TableColumn<FleetRow>[] = [
    {
      title: COLUMN.entity,
      field: 'entityRef',
      highlight: true,
      cellStyle: { whiteSpace: 'nowrap' },
      render: row => (
        <>
          <ReadinessTabLink entityRef={row.entityRef} title={row.title} />
          <Typography variant="caption" display="block" color="textSecondary">
            {[row.kind, row.type].filter(Boolean).join(' · ')}
          </Typography>
        </>
      ),
    },
    // Filterable, not shown: the entity column already says the kind.
    { title: COLUMN.kind, field: 'kind', hidden: true },
    {
      title: COLUMN.owner,
      field: 'ownerName',
      cellStyle: { whiteSpace: 'nowrap' },
      render: row =>
        row.owner ? <EntityRefLink entityRef={row.owner} hideIcon /> : '—',
    },
    {
      title: COLUMN.lifecycle,
      field: 'lifecycleName',
      render: row => row.lifecycle ?? '—',
    },
    {
      title: 'Score',
      field: 'score',
      type: 'numeric',
      defaultSort: 'asc',
      render: row => (row.evaluatedAt ? `${row.score}%` : 'not evaluated'),
    },
    {
      title: COLUMN.level,
      field: 'achievedLevel',
      cellStyle: { whiteSpace: 'nowrap' },
      render: row => (
        <>
          <LevelChip level={row.achievedLevel} />
          {row.requiredLevel !== 'none' && (
            <Typography variant="caption" display="block" color="textSecondary">
              needs {row.requiredLevel}
            </Typography>
          )}
        </>
      ),
    },
    {
      title: COLUMN.gate,
      field: 'gate',
      render: row => (
        <Typography
          variant="body2"
          className={row.allowed ? classes.allowed : classes.blocked}
        >
          {row.gate}
        </Typography>
      ),
    },
    ...pillars.map(
      (pillar): TableColumn<FleetRow> => ({
        title: pillar.title,
        field: `pillars.${pillar.id}`,
        type: 'numeric',
        render: row =>
          pillar.id in row.pillars ? `${row.pillars[pillar.id]}%` : '—',
        customSort: (a, b) =>
          (a.pillars[pillar.id] ?? 101) - (b.pillars[pillar.id] ?? 101),
      }),
    ),
  ];

  const exportCsv = () => {
    const rows = visibleRows(value?.rows ?? [], tableState);
    downloadText(
      'production-readiness.csv',
      toCsv(
        [
          'entity',
          'kind',
          'owner',
          'lifecycle',
          'score',
          'level',
          'required',
          'gate',
          ...pillars.map(p => p.id),
          'evaluated',
        ],
        rows.map(r => [
          r.entityRef,
          r.kind,
          r.owner,
          r.lifecycle,
          r.score,
          r.achievedLevel,
          r.requiredLevel,
          r.gate,
          ...pillars.map(p => r.pillars[p.id]),
          r.evaluatedAt,
        ]),
      ),
    );
  };

  return (
    <Page themeId="tool">
      <Header
        title="Production Readiness"
        subtitle="Backup, logging, monitoring and more, for every service in the catalog"
      />
      <Content>
        <ContentHeader
          title={value ? `${value.rows.length} entities` : 'Entities'}
          description="Worst scores first. Open an entity to see why and how to fix it."
        >
          <Button
            variant="outlined"
            startIcon={<GetAppIcon />}
            onClick={exportCsv}
            disabled={!value}
          >
            Export CSV
          </Button>
          <SupportButton>
            Each row is a catalog entity the readiness engine evaluates. Filter
            by owner, kind, lifecycle, level or gate; the worst scores come
            first.
          </SupportButton>
        </ContentHeader>
        <section aria-label="Fleet" className={classes.fleet}>
          {error ? (
            <ResponseErrorPanel
              title="Could not load the fleet overview"
              error={error}
            />
          ) : (
            <Table<FleetRow>
              isLoading={loading}
              columns={columns}
              data={value?.rows ?? []}
              filters={FILTERS}
              onStateChange={setTableState}
              // Next to the open filters the table shares a flex row; without this it keeps
              // its full width there and pushes the page sideways instead of scrolling itself.
              style={{ minWidth: 0 }}
              options={{
                paging: true,
                pageSize: 20,
                emptyRowsWhenPaging: false,
                search: true,
                padding: 'dense',
                // A dozen columns are wider than most windows. The table scrolls sideways, with
                // a second scrollbar above the header: the one below the last row is a page
                // away. `overflowY: 'visible'` leaves that scrolling to the two bars alone;
                // otherwise material-table's inner box scrolls as well and the top bar idles.
                doubleHorizontalScroll: true,
                overflowY: 'visible',
              }}
              emptyContent={
                <div style={{ padding: 16 }}>No entities evaluated yet.</div>
              }
            />
          )}
        </section>
        {value?.rows.some(r => r.contested?.length) && (
          <Box mt={3} component="section" aria-label="Contested evidence">
            <FleetContested entries={value.rows} />
          </Box>
        )}
        {value && (
          <Box mt={3} component="section" aria-label="Waivers">
            <FleetWaivers checks={value.catalogue.checks} />
          </Box>
        )}
      </Content>
    </Page>
  );
}
