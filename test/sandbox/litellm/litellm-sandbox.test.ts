import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { healthyFacts, NOW, startForTest, type TestSandbox } from '../coder/start-for-test.js';

let sb: TestSandbox;
beforeAll(async () => {
  sb = await startForTest();
});
afterAll(() => sb.close());
beforeEach(() => {
  Object.assign(sb.facts, healthyFacts());
  sb.control.reset();
  sb.faults.reset();
});

async function call(path: string, key?: string) {
  const res = await fetch(
    `${sb.urls.litellm}${path}`,
    key === undefined ? {} : { headers: { Authorization: `Bearer ${key}` } },
  );
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: res.status, type: res.headers.get('content-type'), body };
}

describe('litellm sandbox: health', () => {
  it('answers liveliness (and liveness) with the JSON string LiteLLM sends', async () => {
    for (const path of ['/health/liveliness', '/health/liveness']) {
      expect(await call(path)).toEqual({ status: 200, type: 'application/json', body: "I'm alive!" });
    }
  });

  it('reports readiness with the database status and version, without auth', async () => {
    const ready = await call('/health/readiness');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      status: 'connected',
      db: 'connected',
      cache: null,
      litellm_version: '1.79.0',
    });
    sb.control.failDatabase(true);
    expect((await call('/health/readiness')).body).toMatchObject({ status: 'disconnected' });
  });

  it('is unavailable behind its load balancer when no pod is ready', async () => {
    sb.facts.litellmReady = 0;
    for (const path of ['/health/liveliness', '/health/readiness', '/key/info']) {
      expect(await call(path, sb.litellmKey)).toMatchObject({ status: 503, body: 'no healthy upstream' });
    }
  });

  it('answers unknown paths like FastAPI', async () => {
    expect(await call('/health/everything')).toMatchObject({ status: 404, body: { detail: 'Not Found' } });
  });
});

describe('litellm sandbox: /key/info', () => {
  it("reports the caller's own key, expiring 30 days after start by default", async () => {
    const { status, body } = await call('/key/info', sb.litellmKey);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      key: sb.litellmKey,
      info: {
        key_name: `sk-...${sb.litellmKey.slice(-4)}`,
        expires: expect.any(String),
        spend: 0,
        models: [],
      },
    });
    const info = (body as { info: Record<string, unknown> }).info;
    expect(info).not.toHaveProperty('token');
    expect(Date.parse(info.expires as string) - NOW).toBe(30 * 24 * 3600 * 1000);
    expect(info.expires).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
  });

  it('follows setKeyExpiry, including keys that never expire', async () => {
    sb.control.setKeyExpiry('2025-06-05T00:00:00Z');
    const soon = await call(`/key/info?key=${sb.litellmKey}`, sb.litellmKey);
    expect(soon.body).toMatchObject({ info: { expires: '2025-06-05T00:00:00+00:00' } });
    sb.control.setKeyExpiry(null);
    expect((await call('/key/info', sb.litellmKey)).body).toMatchObject({ info: { expires: null } });
    expect(() => sb.control.setKeyExpiry('next tuesday')).toThrow();
  });

  it('rejects an expired key the way LiteLLM does', async () => {
    sb.control.setKeyExpiry('2025-06-01T00:00:00Z');
    const { status, body } = await call('/key/info', sb.litellmKey);
    expect(status).toBe(400);
    expect(body).toEqual({
      error: {
        message:
          'Authentication Error - Expired Key. Key Expiry time 2025-06-01 00:00:00+00:00 and current time 2025-06-02 15:04:05+00:00',
        type: 'expired_key',
        param: `sk-...${sb.litellmKey.slice(-4)}`,
        code: '400',
      },
    });
  });

  it('rejects missing, malformed and unknown keys without echoing them', async () => {
    const missing = await call('/key/info');
    expect(missing).toMatchObject({
      status: 401,
      body: {
        error: { message: 'Authentication Error, No api key passed in.', type: 'auth_error', code: '401' },
      },
    });
    const wrong = 'sk-someone-elses-key-0000';
    const unknown = await call('/key/info', wrong);
    expect(unknown.status).toBe(401);
    expect(unknown.body).toMatchObject({ error: { type: 'token_not_found_in_db', code: '401' } });
    expect(JSON.stringify(unknown.body)).not.toContain(wrong);
    const shape = await call('/key/info', 'Zm9vYmFyYmF6cXV4MTIzNDU2');
    expect(shape.body).toMatchObject({
      error: { message: expect.stringContaining("expected to start with 'sk-'") },
    });
    expect(JSON.stringify(shape.body)).not.toContain('Zm9vYmFyYmF6cXV4MTIzNDU2');
  });

  it('answers 404 for a key that is not in its table', async () => {
    const res = await call('/key/info?key=sk-not-in-the-table', sb.litellmKey);
    expect(res).toMatchObject({
      status: 404,
      body: {
        error: { message: 'Key not found in database', type: 'not_found_error', param: 'key', code: '404' },
      },
    });
  });

  it('applies injected faults in the LiteLLM error shape', async () => {
    sb.faults.fail('litellm', { status: 500, count: 2 });
    expect(await call('/health/readiness')).toMatchObject({ status: 500, body: { error: { code: '500' } } });
    expect((await call('/health/liveliness')).status).toBe(500);
    expect((await call('/health/liveliness')).status).toBe(200);
  });
});
