import { useApi } from '@backstage/core-plugin-api';
import { ReadinessReport } from '@production-readiness/plugin-production-readiness-common';
import { useCallback, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { productionReadinessApiRef } from '../api';

/** State of an entity's readiness report, with an on-demand refresh. @public */
export interface ReadinessReportState {
  report?: ReadinessReport;
  loading: boolean;
  error?: Error;
  /** Reload the stored report. */
  retry: () => void;
  /** Re-run the checks now (needs the refresh permission). */
  refresh: () => Promise<void>;
  refreshing: boolean;
  refreshError?: Error;
}

/** Loads the readiness report of an entity and lets the caller re-run its checks. @public */
export function useReadinessReport(entityRef: string): ReadinessReportState {
  const api = useApi(productionReadinessApiRef);
  const [refreshed, setRefreshed] = useState<ReadinessReport>();
  const [refreshing, setRefreshing] = useState(false);
  const [refreshError, setRefreshError] = useState<Error>();
  const state = useAsyncRetry(async () => {
    setRefreshed(undefined);
    return api.getReport(entityRef);
  }, [api, entityRef]);

  const refresh = useCallback(async () => {
    setRefreshing(true);
    setRefreshError(undefined);
    try {
      setRefreshed(await api.refresh(entityRef));
    } catch (e) {
      setRefreshError(e as Error);
    } finally {
      setRefreshing(false);
    }
  }, [api, entityRef]);

  return {
    report: refreshed ?? state.value,
    loading: state.loading,
    error: state.error,
    retry: state.retry,
    refresh,
    refreshing,
    refreshError,
  };
}
