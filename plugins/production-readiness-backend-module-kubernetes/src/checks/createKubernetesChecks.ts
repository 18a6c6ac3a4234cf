import { ReadinessCheck } from '@production-readiness/plugin-production-readiness-node';
import { KubernetesModuleSettings } from '../config';
import { createAvailabilityChecks } from './availabilityChecks';
import { createBackupChecks } from './backupChecks';
import { createLoggingChecks } from './loggingChecks';
import { createLogShipperOnNodesCheck } from './logShipperOnNodes';
import { createContainerLogRotationCheck } from './containerLogRotation';
import { createDeliveryNoManualDriftCheck } from './deliveryNoManualDrift';
import { createDeliveryOrchestratedCheck } from './deliveryOrchestrated';
import { createDeliveryGitOpsSyncedCheck } from './deliveryGitOpsSynced';
import { createDeliveryRollbackReadyCheck } from './deliveryRollbackReady';
import { createMonitoringChecks } from './monitoringChecks';
import { createSecurityChecks } from './securityChecks';

/** Every check of the module. */
export function createKubernetesChecks(
  settings: Pick<
    KubernetesModuleSettings,
    | 'restoreTestMaxAgeMs'
    | 'certificateMinValidityMs'
    | 'logShipperImages'
    | 'containerLogMaxBytes'
    | 'deployManagers'
    | 'manualManagers'
    | 'requireAutomatedSync'
  >,
): ReadinessCheck[] {
  return [
    ...createAvailabilityChecks(),
    ...createSecurityChecks(settings),
    ...createLoggingChecks(),
    createLogShipperOnNodesCheck(settings),
    createContainerLogRotationCheck(settings),
    ...createBackupChecks(settings),
    ...createMonitoringChecks(),
    createDeliveryOrchestratedCheck(settings),
    createDeliveryNoManualDriftCheck(settings),
    createDeliveryGitOpsSyncedCheck(settings),
    createDeliveryRollbackReadyCheck(),
  ];
}
