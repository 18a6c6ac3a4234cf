import { FieldManagerFact } from '../collector/managedFields';
import { KubernetesModuleSettings } from '../config';

/** What the delivery checks need to tell deployers from hands. */
export type ManagerSettings = Pick<
  KubernetesModuleSettings,
  'deployManagers' | 'manualManagers'
>;

/** `name` matches `name` and `name-…` (kubectl → kubectl-edit, pulumi-kubernetes → pulumi-kubernetes-3f2a). */
const named = (manager: string, names: string[]) =>
  names.some(n => manager === n || manager.startsWith(`${n}-`));

/** Whether a manager deploys, is a person's hand, or is something else (a controller). */
export function managerRole(
  manager: string,
  settings: ManagerSettings,
): 'deploy' | 'manual' | 'other' {
  if (named(manager, settings.manualManagers)) return 'manual';
  if (named(manager, settings.deployManagers)) return 'deploy';
  return 'other';
}

/** The latest recorded time among entries, compared as instants. */
export function latest(entries: FieldManagerFact[]): string | undefined {
  return entries
    .map(e => e.time)
    .filter((t): t is string => t !== undefined)
    .sort((a, b) => Date.parse(a) - Date.parse(b))
    .pop();
}
