// The one boundary both transports go through: method name checked, argument validated against its schema,
// the service called, and the outcome packed into an envelope (errors included, with their kind and field).

import {
  type ApiEnvelope,
  ApiError,
  errorShape,
  isApiMethod,
  type MarkwrightApi,
  methodSchemas,
} from '@markwright/api';
import { fromZodError, toApiError } from './errors';

export type Dispatch = (method: string, argument: unknown) => Promise<ApiEnvelope>;

export function createDispatcher(api: MarkwrightApi): Dispatch {
  return async (method, argument) => {
    try {
      if (!isApiMethod(method))
        throw new ApiError('not-found', `no API method named ${JSON.stringify(method)}`);
      const parsed = methodSchemas[method].safeParse(argument);
      if (!parsed.success) throw fromZodError(parsed.error);
      const call = api[method] as (input: unknown) => Promise<unknown>;
      const value = await call.call(api, parsed.data ?? undefined);
      return { ok: true, value: value === undefined ? null : value };
    } catch (error) {
      return { ok: false, error: errorShape(toApiError(error)) };
    }
  };
}
