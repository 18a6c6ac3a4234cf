import { Entity } from '@backstage/catalog-model';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import plugin, {
  productionReadinessEntityCard,
  productionReadinessEntityContent,
  productionReadinessPage,
} from './plugin';

function entity(kind: string): Entity {
  return { apiVersion: 'backstage.io/v1alpha1', kind, metadata: { name: 'x' } };
}

describe('production-readiness /alpha', () => {
  it('provides the API, the entity tab, the entity card and the page', () => {
    expect(plugin.id).toBe('production-readiness');
    for (const id of [
      'api:production-readiness',
      'entity-content:production-readiness',
      'entity-card:production-readiness',
      'page:production-readiness',
    ]) {
      expect([id, plugin.getExtension(id as never)]).toEqual([
        id,
        expect.anything(),
      ]);
    }
  });

  it('mounts the tab at /production-readiness on Components, Resources, Systems and APIs only', () => {
    const tester = createExtensionTester(productionReadinessEntityContent);
    expect(tester.get(coreExtensionData.routePath)).toBe(
      '/production-readiness',
    );
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe(
      'Production Readiness',
    );
    const applies = tester.get(EntityContentBlueprint.dataRefs.filterFunction)!;
    expect(
      ['Component', 'Resource', 'System', 'API'].map(k => applies(entity(k))),
    ).toEqual([true, true, true, true]);
    expect(applies(entity('Group'))).toBe(false);
    expect(applies(entity('User'))).toBe(false);
  });

  it('places the card beside About, on the same kinds', () => {
    const tester = createExtensionTester(productionReadinessEntityCard);
    expect(tester.get(EntityCardBlueprint.dataRefs.type)).toBe('info');
    const applies = tester.get(EntityCardBlueprint.dataRefs.filterFunction)!;
    expect(applies(entity('Group'))).toBe(false);
  });

  it('serves the fleet page at /production-readiness', () => {
    const tester = createExtensionTester(productionReadinessPage);
    expect(tester.get(coreExtensionData.routePath)).toBe(
      '/production-readiness',
    );
  });
});
