import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export type Metrics = ReturnType<typeof createMetrics>;

/** One registry per process (not prom-client's global), so tests can run several bots side by side. */
export function createMetrics(queueDepth?: () => Promise<Record<string, number>>) {
  const registry = new Registry();
  const commandsReceived = new Counter({
    name: 'opsbot_commands_received_total',
    help: 'Slash commands and interactions received',
    labelNames: ['command'],
    registers: [registry],
  });
  const commandsAcked = new Counter({
    name: 'opsbot_commands_acked_total',
    help: 'Requests acknowledged, by outcome',
    labelNames: ['command', 'outcome'],
    registers: [registry],
  });
  const commandsDenied = new Counter({
    name: 'opsbot_commands_denied_total',
    help: 'Requests refused, by reason',
    labelNames: ['reason'],
    registers: [registry],
  });
  const requestsRefused = new Counter({
    name: 'opsbot_requests_refused_total',
    help: 'Requests to the Slack endpoint refused before any handler (bad signature, oversized, malformed …), by reason',
    labelNames: ['reason'],
    registers: [registry],
  });
  const ackLatency = new Histogram({
    name: 'opsbot_ack_latency_seconds',
    help: 'Time from receiving a request to acknowledging it',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const jobs = new Counter({
    name: 'opsbot_jobs_total',
    help: 'Jobs finished, by name and outcome',
    labelNames: ['name', 'outcome'],
    registers: [registry],
  });
  new Gauge({
    name: 'opsbot_queue_depth',
    help: 'Jobs in the queue by state',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      if (!queueDepth) return;
      try {
        for (const [state, n] of Object.entries(await queueDepth())) this.set({ state }, n);
      } catch {
        // Redis unavailable: leave the last values; /readyz reports the outage.
      }
    },
  });
  return { registry, commandsReceived, commandsAcked, commandsDenied, requestsRefused, ackLatency, jobs };
}
