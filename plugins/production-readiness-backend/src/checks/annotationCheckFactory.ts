import {
  checkResult,
  ConfigCheckFactory,
} from '@production-readiness/plugin-production-readiness-node';

function compilePattern(checkId: string, pattern: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch (e) {
    throw new Error(
      `Check "${checkId}": field "pattern" is not a valid regular expression: ${
        (e as Error).message
      }`,
    );
  }
}

/**
 * Config checks of `type: annotation`: the entity must carry `annotation`, and its value must
 * match `pattern` when one is given (a regular expression, anchored only if the author anchors
 * it). The value is data: it is matched, never fetched.
 */
export const annotationCheckFactory: ConfigCheckFactory = {
  type: 'annotation',
  create({ definition, config }) {
    const annotation = config.getString('annotation');
    if (annotation.trim() === '') {
      throw new Error(`Check "${definition.id}": field "annotation" is empty`);
    }
    const pattern = config.getOptionalString('pattern');
    const regex =
      pattern === undefined
        ? undefined
        : compilePattern(definition.id, pattern);
    return {
      ...definition,
      collectors: [],
      evaluate: ({ entity }) => {
        const value = entity.metadata.annotations?.[annotation];
        const found = [
          { label: annotation, value: value ?? null, source: 'catalog' },
        ];
        if (value === undefined || value.trim() === '') {
          return checkResult.fail(
            `annotation ${annotation} is ${
              value === undefined ? 'missing' : 'empty'
            }`,
            found,
          );
        }
        if (regex && !regex.test(value)) {
          return checkResult.fail(
            `annotation ${annotation} is "${value}", which does not match the expected pattern ${pattern}`,
            found,
          );
        }
        return checkResult.pass(
          regex
            ? `annotation ${annotation} is "${value}", matching ${pattern}`
            : `annotation ${annotation} is set to "${value}"`,
          found,
        );
      },
    };
  },
};
