import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SECRET_VARIABLES } from '../../src/config/env-schema.js';

// No Docker engine here, so docker-compose.yml is checked as data: what it runs and what it must not hold.
const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as {
  services: Record<string, Record<string, unknown>>;
};

describe('docker-compose.yml', () => {
  it('runs Redis the way BullMQ needs it: noeviction and AOF, persisted', () => {
    const redis = compose.services.redis!;
    const command = (redis.command as string[]).join(' ');
    expect(command).toContain('--maxmemory-policy noeviction');
    expect(command).toContain('--appendonly yes');
    expect(redis.volumes).toContainEqual(expect.stringMatching(/:\/data$/));
  });

  it('builds the bot from the Dockerfile and waits for a healthy Redis', () => {
    const bot = compose.services.opsbot!;
    expect(bot.build).toBe('.');
    expect(bot.depends_on).toEqual({ redis: { condition: 'service_healthy' } });
    expect(bot.environment).toMatchObject({ REDIS_URL: 'redis://redis:6379', OPSBOT_ROLE: 'all' });
    expect(bot.read_only).toBe(true);
    expect(bot.ports).toEqual(['127.0.0.1:3000:3000']);
  });

  it('takes credentials from .env only, never inline', () => {
    const bot = compose.services.opsbot!;
    expect(bot.env_file).toBe('.env');
    for (const name of SECRET_VARIABLES) expect(Object.keys(bot.environment as object)).not.toContain(name);
  });
});
