import type { TestProject } from 'vitest/node';
import { LocalRedisError, startLocalRedis } from '../src/sandbox/start-local-redis.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

// One real redis-server for the whole run, unless REDIS_URL points at one; tests isolate by key prefix.
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.REDIS_URL) {
    project.provide('redisUrl', process.env.REDIS_URL);
    return async () => {};
  }
  const redis = await startLocalRedis().catch((err: unknown) => {
    // A machine without redis-server gets one line saying what to do, not a stack trace.
    if (!(err instanceof LocalRedisError)) throw err;
    console.error(`opsbot tests: ${err.message}`);
    process.exit(1);
  });
  project.provide('redisUrl', redis.url);
  return () => redis.stop();
}
