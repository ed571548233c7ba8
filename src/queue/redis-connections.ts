import { Redis } from 'ioredis';

/**
 * For the web role's enqueue path: no offline queue and one retry, so "Redis down" surfaces in
 * well under Slack's 3 s ack window instead of hanging.
 */
export function createProducerConnection(url: string): Redis {
  return new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    commandTimeout: 2_000,
    // Concurrent acks share socket writes instead of one write per command.
    enableAutoPipelining: true,
  });
}

/** For Workers and QueueEvents: BullMQ needs blocking commands to wait through reconnects. */
export function createWorkerConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null });
}
