import { Entity } from '@backstage/catalog-model';
import {
  ANNOTATIONS,
  Evidence,
} from '@production-readiness/plugin-production-readiness-common';
import {
  CheckEvaluation,
  checkResult,
  createReadinessCheck,
  ReadinessCheck,
} from '@production-readiness/plugin-production-readiness-node';
import { parse as parseYaml } from 'yaml';
import { PrometheusEntityFacts } from '../../collectors/facts';
import {
  PROMETHEUS_CHECK_SCOPE,
  selector,
  serviceEvidence,
  source,
  withPrometheus,
} from '../prometheusFacts';

/** Declared availability target from the SLO annotation, as a ratio. */
function declaredAvailability(entity: Entity): {
  ratio?: number;
  problem?: string;
} {
  const raw = entity.metadata.annotations?.[ANNOTATIONS.slo];
  if (raw === undefined || raw.trim() === '') {
    return {};
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(raw);
  } catch (e) {
    return { problem: `is not YAML (${(e as Error).message.split('\n')[0]})` };
  }
  const value = (parsed as { availability?: unknown } | null)?.availability;
  if (value === undefined) {
    return {};
  }
  const percent =
    typeof value === 'number'
      ? value
      : Number(String(value).replace(/%\s*$/, ''));
  if (!Number.isFinite(percent) || percent <= 0 || percent >= 100) {
    return {
      problem: `availability ${JSON.stringify(value)} is not a percentage`,
    };
  }
  return { ratio: percent / 100 };
}

const percent = (ratio: number) => `${+(ratio * 100).toFixed(4)}%`;

function evaluateSlo(
  f: PrometheusEntityFacts,
  entity: Entity,
): CheckEvaluation {
  const evidence: Evidence[] = [
    serviceEvidence(f),
    ...f.slos.map(s => ({
      label: `${s.framework} SLO ${s.name}`,
      value: {
        objective: s.objective === undefined ? null : percent(s.objective),
        rules: s.rules.slice(0, 10),
      },
      source: source(f),
      url: `${f.baseUrl}/rules`,
    })),
  ];
  if (f.slos.length === 0) {
    return checkResult.fail(
      `No Sloth or Pyrra SLO rules for ${selector(f)} on Prometheus "${
        f.instance
      }"`,
      evidence,
      `Generate SLO rules for the service with Sloth (sloth_service="${
        f.service
      }") or Pyrra (an SLO whose query selects ${selector(
        f,
      )}) and load them into Prometheus.`,
    );
  }
  const declared = declaredAvailability(entity);
  const names = f.slos.map(s => `${s.framework}/${s.name}`).join(', ');
  if (declared.problem) {
    return checkResult.warn(
      `SLO rules found (${names}), but annotation ${ANNOTATIONS.slo} ${declared.problem}`,
      evidence,
      `Write ${ANNOTATIONS.slo} as YAML, e.g. "availability: 99.9".`,
    );
  }
  if (declared.ratio === undefined) {
    return checkResult.pass(
      `${f.slos.length} SLOs (${names}); no declared target in ${ANNOTATIONS.slo} to compare`,
      evidence,
    );
  }
  evidence.push({
    label: `${ANNOTATIONS.slo} availability`,
    value: percent(declared.ratio),
    source: 'catalog',
  });
  const known = f.slos.filter(s => s.objective !== undefined);
  if (known.length === 0) {
    if (f.sloError) {
      return checkResult.error(
        `Could not read SLO objectives: ${f.sloError}`,
        evidence,
      );
    }
    return checkResult.warn(
      `SLO rules found (${names}), but no objective series to compare with the declared ${percent(
        declared.ratio,
      )}`,
      evidence,
      'Load the SLO metadata rules too (Sloth: slo:objective:ratio; Pyrra: generic rules, pyrra_objective).',
    );
  }
  const matching = known.filter(
    s => Math.abs(s.objective! - declared.ratio!) < 1e-9,
  );
  if (matching.length === 0) {
    return checkResult.fail(
      `Declared availability ${percent(
        declared.ratio,
      )} does not match the SLO rules: ${known
        .map(s => `${s.name} ${percent(s.objective!)}`)
        .join(', ')}`,
      evidence,
      `Make the SLO objective and ${ANNOTATIONS.slo} agree.`,
    );
  }
  return checkResult.pass(
    `SLO ${matching[0].framework}/${matching[0].name} objective ${percent(
      matching[0].objective!,
    )} matches the declared target`,
    evidence,
  );
}

/** `monitoring.slo-rules`. */
export function createSloRulesCheck(): ReadinessCheck {
  return createReadinessCheck({
    ...PROMETHEUS_CHECK_SCOPE,
    id: 'monitoring.slo-rules',
    pillar: 'monitoring',
    title: 'SLO rules',
    description: `Sloth or Pyrra SLO rules exist for the service, and their objective matches the availability declared in ${ANNOTATIONS.slo}.`,
    severity: 'major',
    remediation:
      'Define the SLO with Sloth or Pyrra, load the generated rules, and declare the same target in the annotation.',
    evaluate: withPrometheus((f, { entity }) => evaluateSlo(f, entity)),
  });
}
