/**
 * Shell fragments that take and compare a backup inventory (format
 * `production-readiness.io/backup-inventory/v1`, `backupInventorySchema` in -common): what the
 * database held when it was backed up, so that the restore test proves the accounts and the
 * data came back. Plain bash, psql and jq; values reach SQL only as psql variables.
 */

/**
 * One query, in one repeatable-read transaction (so every count sees the same data):
 * databases, roles (attributes, memberships, whether a password is set) and the tables of the
 * current database with their row counts: exact up to `exact_count_limit` estimated rows,
 * PostgreSQL's estimate above. psql variables: `exact_count_limit`, `password_set` and `lsn`
 * (SQL expressions chosen by the script), optional `snapshot` (an exported snapshot to read,
 * so the inventory sees what pg_dump saw).
 */
const INVENTORY_SQL = `begin transaction isolation level repeatable read read only;
\\if :{?snapshot}
set transaction snapshot :'snapshot';
\\endif
select json_build_object(
  'lsn', :lsn,
  'databases', (select coalesce(json_agg(datname order by datname), '[]')
                from pg_database where not datistemplate),
  'roles', (select coalesce(json_agg(json_build_object(
      'name', r.rolname,
      'login', r.rolcanlogin,
      'superuser', r.rolsuper,
      'replication', r.rolreplication,
      'passwordSet', :password_set,
      'memberOf', (select coalesce(json_agg(g.rolname order by g.rolname), '[]')
                   from pg_auth_members m join pg_roles g on g.oid = m.roleid
                   where m.member = r.oid)
    ) order by r.rolname), '[]')
    from pg_roles r where r.rolname !~ '^pg_'),
  'tables', (select coalesce(json_agg(json_build_object(
      'schema', n.nspname,
      'name', c.relname,
      'rows', case when c.reltuples > :'exact_count_limit'::bigint then c.reltuples::bigint
              else (xpath('/row/c/text()', query_to_xml(
                format('select count(*) as c from %I.%I', n.nspname, c.relname),
                false, true, '')))[1]::text::bigint end,
      'estimated', c.reltuples > :'exact_count_limit'::bigint
    ) order by n.nspname, c.relname), '[]')
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'p') and not c.relispartition
      and n.nspname not in ('pg_catalog', 'information_schema')
      and n.nspname !~ '^pg_toast')
);
commit;
`;

/**
 * \`take_inventory OUT [psql options…]\` writes the database's inventory (without the backup's
 * id and checksum, added by \`finish_inventory\`) to OUT. Reads SNAPSHOT when set; with
 * RECORD_LSN=1 it records the WAL position its snapshot was taken at (a primary only).
 */
export const TAKE_INVENTORY = `
take_inventory() {
  out=$1
  shift
  cat > "$SCRATCH/inventory.sql" <<'SQL'
${INVENTORY_SQL}SQL
  # Only a superuser may see whether passwords are set; others record "unknown" (null).
  if [ "$(psql "$@" -X -tAc "select has_table_privilege('pg_authid', 'select')")" = t ]; then
    password_set='(select a.rolpassword is not null from pg_authid a where a.oid = r.oid)'
  else
    password_set='null::boolean'
  fi
  # The snapshot is taken as the query starts; the WAL insert position read in it follows
  # every commit the snapshot sees.
  lsn='null::text'
  if [ "\${RECORD_LSN:-}" = 1 ]; then lsn='pg_current_wal_insert_lsn()::text'; fi
  psql "$@" -X -q -tA -v ON_ERROR_STOP=1 -v exact_count_limit="\${EXACT_COUNT_LIMIT:-100000}" \\
    -v password_set="$password_set" -v lsn="$lsn" \${SNAPSHOT:+-v snapshot="$SNAPSHOT"} \\
    -f "$SCRATCH/inventory.sql" > "$out"
}

# finish_inventory IN OUT BACKUP_ID CHECKSUM CHECKSUM_OF: the inventory file as documented.
finish_inventory() {
  jq --arg entityRef "$ENTITY_REF" --arg backupId "$3" --arg checksum "$4" --arg of "$5" \\
    --arg takenAt "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --arg database "$PGDATABASE" \\
    --argjson limit "\${EXACT_COUNT_LIMIT:-100000}" \\
    '{format: "production-readiness.io/backup-inventory/v1", entityRef: $entityRef,
      backupId: $backupId, checksum: {algorithm: "sha256", value: $checksum, of: $of},
      takenAt: $takenAt} + (if .lsn == null then {} else {lsn: .lsn} end)
     + {database: $database, databases: .databases, roles: .roles,
      exactCountLimit: $limit, tables: .tables}' "$1" > "$2"
}
`;

/**
 * \`compare_inventory RECORDED RESTORED\` prints the validations (JSON list): one per role of
 * the recorded inventory (present, same login/superuser/replication, password set when known,
 * same memberships), one per table (present, same rows; estimates within
 * ROW_ESTIMATE_TOLERANCE, default 0.1), and, when COMPARE_DATABASES=all, one per database.
 */
export const COMPARE_INVENTORY = `
compare_inventory() {
  jq -n --slurpfile recorded "$1" --slurpfile restored "$2" \\
    --arg databases "\${COMPARE_DATABASES:-one}" --argjson tolerance "\${ROW_ESTIMATE_TOLERANCE:-0.1}" '
    def role_text: "login \\(.login), superuser \\(.superuser), replication \\(.replication), password \\(if .passwordSet == null then "unknown" elif .passwordSet then "set" else "none" end), member of [\\(.memberOf | sort | join(", "))]";
    def same_role($got): $got.login == .login and $got.superuser == .superuser
      and $got.replication == .replication and ($got.memberOf | sort) == (.memberOf | sort)
      and (.passwordSet == null or $got.passwordSet == null or $got.passwordSet == .passwordSet);
    def rows_ok($got): if .estimated
      then ($got.rows - .rows | if . < 0 then -. else . end) <= ([.rows * $tolerance, 1000] | max)
      else $got.rows == .rows end;
    $recorded[0] as $b | $restored[0] as $r |
    (if $databases == "all" then [$b.databases[] as $d | {kind: "database",
        name: "database \\($d) restored", expected: $d,
        actual: (if ($r.databases | index($d)) then $d else "missing" end),
        ok: (($r.databases | index($d)) != null)}] else [] end)
    + [$b.roles[] as $role | ($r.roles | map(select(.name == $role.name)) | .[0]) as $got |
       {kind: "role", name: "role \\($role.name) restored with its attributes and memberships",
        expected: ($role | role_text),
        actual: (if $got == null then "missing after restore" else ($got | role_text) end),
        ok: ($got != null and ($role | same_role($got)))}]
    + [$b.tables[] as $t | ($r.tables | map(select(.schema == $t.schema and .name == $t.name)) | .[0]) as $got |
       {kind: "table", name: "table \\($t.schema).\\($t.name) restored with its rows",
        expected: (if $t.estimated then "about \\($t.rows) rows" else "\\($t.rows) rows" end),
        actual: (if $got == null then "missing after restore" else "\\($got.rows) rows" end),
        ok: ($got != null and ($t | rows_ok($got)))}]'
}
`;
