import { Config } from '@backstage/config';
import {
  SEVERITIES,
  Severity,
} from '@production-readiness/plugin-production-readiness-common';
import {
  ConfigCheckFactory,
  ReadinessCheck,
} from '@production-readiness/plugin-production-readiness-node';
import { readEntityFilter } from '../readEntityFilter';

const optionalFilter = (entry: Config, key: string) =>
  entry.has(key) ? readEntityFilter(entry.getConfig(key)) : undefined;

/**
 * Builds the checks declared in `productionReadiness.checks` with the factory of each entry's
 * `type`. Throws at startup, naming the entry, when a type is unknown or a field is invalid:
 * a typo in config must not silently drop a production requirement.
 */
export function readConfigChecks(
  rootConfig: Config,
  factories: ReadonlyMap<string, ConfigCheckFactory>,
): ReadinessCheck[] {
  const entries =
    rootConfig.getOptionalConfigArray('productionReadiness.checks') ?? [];
  return entries.map((entry, index) => {
    const id = entry.getString('id');
    const where = `productionReadiness.checks[${index}] (${id})`;
    const type = entry.getString('type');
    const factory = factories.get(type);
    if (!factory) {
      throw new Error(
        `${where}: unknown type "${type}"; available: ${[
          ...factories.keys(),
        ].join(', ')}`,
      );
    }
    const severity = entry.getString('severity');
    if (!SEVERITIES.includes(severity as Severity)) {
      throw new Error(
        `${where}: severity must be one of ${SEVERITIES.join(', ')}`,
      );
    }
    const title = entry.getString('title');
    try {
      return factory.create({
        definition: {
          id,
          pillar: entry.getString('pillar'),
          title,
          description: entry.getOptionalString('description') ?? title,
          severity: severity as Severity,
          remediation: entry.getString('remediation'),
          docsUrl: entry.getOptionalString('docsUrl'),
          appliesTo: optionalFilter(entry, 'appliesTo'),
          requiredOf: optionalFilter(entry, 'requiredOf'),
          runtime: entry.getOptionalString('runtime'),
        },
        config: entry,
      });
    } catch (e) {
      throw new Error(`${where}: ${(e as Error).message}`);
    }
  });
}
