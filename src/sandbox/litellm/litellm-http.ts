import type { Reply } from '../coder/coder-http.js';

/** FastAPI's JSON response (what the LiteLLM proxy sends for every body, strings included). */
export function litellmJson(status: number, body: unknown): Reply {
  return { status, contentType: 'application/json', body: JSON.stringify(body) };
}

/** LiteLLM's `ProxyException` body: `code` and `param` are strings, as the proxy serializes them. */
export function proxyException(
  status: number,
  error: { message: string; type: string; param?: string },
): Reply {
  return litellmJson(status, {
    error: { message: error.message, type: error.type, param: error.param ?? 'None', code: String(status) },
  });
}

/** LiteLLM's `abbreviate_api_key`: safe to show, identifies the key. */
export function abbreviateKey(key: string): string {
  return `sk-...${key.slice(-4)}`;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function pythonParts(ms: number): { date: string; time: string; micros: string } {
  const d = new Date(ms);
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  const micros = d.getUTCMilliseconds() === 0 ? '' : `.${pad(d.getUTCMilliseconds(), 3)}000`;
  return { date, time, micros };
}

/** A UTC datetime as Python's `isoformat()` writes it (FastAPI's JSON encoding). */
export function pythonIso(ms: number): string {
  const { date, time, micros } = pythonParts(ms);
  return `${date}T${time}${micros}+00:00`;
}

/** A UTC datetime as Python's `str()` writes it (used inside LiteLLM's error messages). */
export function pythonStr(ms: number): string {
  const { date, time, micros } = pythonParts(ms);
  return `${date} ${time}${micros}+00:00`;
}

/** A naive local datetime's `isoformat()` (LiteLLM's `datetime.now()` in readiness), UTC here. */
export function pythonNaiveIso(ms: number): string {
  const { date, time, micros } = pythonParts(ms);
  return `${date}T${time}${micros}`;
}
