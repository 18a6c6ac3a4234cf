import type { ClusterSnapshot } from './buildFacts';
import { VeleroFact } from './facts';
import { iso, name, ns, time } from './objects';

const coversNamespace = (
  namespace: string,
  included: string[] | undefined,
  excluded: string[] | undefined,
) =>
  !(excluded ?? []).includes(namespace) &&
  (!included?.length || included.includes('*') || included.includes(namespace));

/** The Velero Schedules, their newest Backups and the Restores covering one namespace. */
export function veleroFact(
  snapshot: ClusterSnapshot,
  namespace: string,
): VeleroFact {
  const backups = snapshot.items('velerobackups');
  const schedules = snapshot
    .items('veleroschedules')
    .filter(s =>
      coversNamespace(
        namespace,
        s.spec?.template?.includedNamespaces,
        s.spec?.template?.excludedNamespaces,
      ),
    )
    .map(schedule => {
      const scheduleBackups = backups
        .filter(
          b =>
            ns(b) === ns(schedule) &&
            b.metadata?.labels?.['velero.io/schedule-name'] === name(schedule),
        )
        .map(b => ({
          name: name(b),
          phase: b.status?.phase ?? 'New',
          startTimestamp: iso(b.status?.startTimestamp),
          completionTimestamp: iso(b.status?.completionTimestamp),
          errors: b.status?.errors,
          warnings: b.status?.warnings,
          failureReason: b.status?.failureReason,
        }))
        .sort(
          (a, b) =>
            time(b.startTimestamp ?? b.completionTimestamp) -
            time(a.startTimestamp ?? a.completionTimestamp),
        )
        .slice(0, 5);
      return {
        name: `${ns(schedule)}/${name(schedule)}`,
        cron: schedule.spec?.schedule ?? '',
        phase: schedule.status?.phase,
        paused: schedule.spec?.paused === true,
        backups: scheduleBackups,
      };
    });
  const backupNamespaces = new Map(
    backups.map(b => [
      `${ns(b)}/${name(b)}`,
      {
        included: b.spec?.includedNamespaces,
        excluded: b.spec?.excludedNamespaces,
      },
    ]),
  );
  const restores = snapshot
    .items('velerorestores')
    .filter(r => {
      const backup = backupNamespaces.get(`${ns(r)}/${r.spec?.backupName}`);
      return (
        backup !== undefined &&
        coversNamespace(namespace, backup.included, backup.excluded) &&
        coversNamespace(namespace, r.spec?.includedNamespaces, undefined)
      );
    })
    .map(r => ({
      name: `${ns(r)}/${name(r)}`,
      backupName: r.spec?.backupName,
      phase: r.status?.phase ?? 'New',
      completionTimestamp: iso(r.status?.completionTimestamp),
      errors: r.status?.errors,
    }))
    .sort((a, b) => time(b.completionTimestamp) - time(a.completionTimestamp));
  return { cluster: snapshot.cluster, namespace, schedules, restores };
}
