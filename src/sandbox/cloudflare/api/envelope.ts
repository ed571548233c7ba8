import type { ServerResponse } from 'node:http';
import { sendJson } from '../../shared/http.js';
import type { CfApiError, CfErrorItem } from './cf-api-error.js';

export interface ResultInfo {
  page: number;
  per_page: number;
  count: number;
  total_count: number;
  total_pages: number;
}

export interface Success {
  result: unknown;
  resultInfo?: ResultInfo;
  messages?: { code: number; message: string; type: string | null }[];
}

export function sendSuccess(res: ServerResponse, out: Success, headers: Record<string, string> = {}): void {
  sendJson(
    res,
    200,
    {
      result: out.result,
      success: true,
      errors: [],
      messages: out.messages ?? [],
      ...(out.resultInfo ? { result_info: out.resultInfo } : {}),
    },
    headers,
  );
}

export function errorBody(errors: CfErrorItem[]): unknown {
  return { success: false, errors, messages: [], result: null };
}

export function sendError(
  res: ServerResponse,
  error: CfApiError,
  headers: Record<string, string> = {},
): void {
  sendJson(res, error.status, errorBody(error.errors), { ...headers, ...error.headers });
}

/** Body for injected faults, in the shape the real API uses for the same status. */
export function faultBody(status: number): unknown {
  if (status === 429)
    return errorBody([{ code: 971, message: 'Please wait and consider throttling your request speed' }]);
  return errorBody([{ code: 10002, message: 'An unknown error has occurred' }]);
}
