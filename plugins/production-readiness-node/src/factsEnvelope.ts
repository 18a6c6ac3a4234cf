import { CheckContext, CheckEvaluation, checkResult } from './checks';

/**
 * A typed handle on one collector's facts: the collector is declared with its id, checks read
 * `context.facts(ref)` and get its facts type without naming it again.
 *
 * @public
 */
export interface FactCollectorRef<TFacts> {
  readonly id: string;
  /** Carries the facts type; never set. */
  readonly $$facts?: TFacts;
}

/** Creates the typed handle of the collector `id`. @public */
export function createFactCollectorRef<TFacts>(options: {
  id: string;
}): FactCollectorRef<TFacts> {
  return { id: options.id };
}

/**
 * What a collector found for one entity, the same shape in every module: its facts; or why it
 * has none because something is not configured or not declared (`unconfigured`, with what to
 * do); or why it could not get them (`failed`, the upstream error).
 *
 * @public
 */
export type FactsEnvelope<TFacts> =
  | { state: 'ok'; facts: TFacts }
  | {
      state: 'unconfigured';
      reason: string;
      remediation?: string;
      /**
       * `fail` when what is missing is the entity's to declare (fail closed: the result names
       * what to declare); `unknown` (the default) when it is the installation's to configure.
       */
      verdict?: 'unknown' | 'fail';
    }
  | { state: 'failed'; error: string };

/** Builders of envelopes, for collectors. @public */
export const factsEnvelope = {
  ok: <TFacts>(facts: TFacts): FactsEnvelope<TFacts> => ({
    state: 'ok',
    facts,
  }),
  unconfigured: (
    reason: string,
    remediation?: string,
    verdict?: 'unknown' | 'fail',
  ): FactsEnvelope<never> => ({
    state: 'unconfigured',
    reason,
    remediation,
    ...(verdict ? { verdict } : {}),
  }),
  failed: (error: string): FactsEnvelope<never> => ({
    state: 'failed',
    error,
  }),
};

/**
 * Runs `evaluate` with the entity's facts from the collector of `ref`, after the answers every
 * check gives the same way: no envelope (the collector has nothing for the entity) → `unknown`
 * with `missing`'s text; `unconfigured` → `unknown` (or `fail`, as the envelope says) with its
 * reason and remediation; `failed` → `error` with the upstream error. Nothing but `evaluate`
 * ever passes.
 *
 * @public
 */
export function withFacts<TFacts>(
  ref: FactCollectorRef<FactsEnvelope<TFacts>>,
  evaluate: (
    facts: TFacts,
    context: CheckContext,
  ) => CheckEvaluation | Promise<CheckEvaluation>,
  options: { missing?: { summary: string; remediation?: string } } = {},
): (context: CheckContext) => CheckEvaluation | Promise<CheckEvaluation> {
  return context => {
    const envelope = context.facts(ref);
    switch (envelope?.state) {
      case 'ok':
        return evaluate(envelope.facts, context);
      case 'unconfigured':
        return (
          envelope.verdict === 'fail' ? checkResult.fail : checkResult.unknown
        )(envelope.reason, [], envelope.remediation);
      case 'failed':
        return checkResult.error(envelope.error, [
          { label: 'collector', value: ref.id, source: ref.id },
        ]);
      default:
        return checkResult.unknown(
          options.missing?.summary ??
            `The ${ref.id} collector has no facts for this entity`,
          [],
          options.missing?.remediation,
        );
    }
  };
}
