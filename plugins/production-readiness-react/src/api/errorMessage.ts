import { ResponseError } from '@backstage/errors';

/**
 * What went wrong, in the backend's words: a `ResponseError` from the client carries the
 * backend's message in its body (its own message is only "Request failed with 403 Forbidden").
 * @public
 */
export function errorMessage(error: Error): string {
  if (error instanceof ResponseError || error.name === 'ResponseError') {
    const message = (error as ResponseError).body?.error?.message;
    if (message) {
      return message;
    }
  }
  return error.message;
}
