import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { CheckCatalogue, productionReadinessApiRef } from '../api';

/** The check catalogue (definitions, pillars, levels), loaded once per mount. @public */
export function useCheckCatalogue(): {
  catalogue?: CheckCatalogue;
  loading: boolean;
  error?: Error;
} {
  const api = useApi(productionReadinessApiRef);
  const { value, loading, error } = useAsync(() => api.getChecks(), [api]);
  return { catalogue: value, loading, error };
}
