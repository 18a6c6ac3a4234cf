export { useReadinessReport } from './useReadinessReport';
export type { ReadinessReportState } from './useReadinessReport';
export { useCheckCatalogue } from './useCheckCatalogue';
