import type { z } from 'zod';
import type { SlackControl } from './slack-control.js';
import type { SimulatedEnvironment } from './start-environment.js';

export type Sim = SimulatedEnvironment;

/** What some routes need besides the simulated environment: acting as Slack towards the bot. */
export interface ControlContext {
  slack?: SlackControl;
}

/** One `POST /_sandbox/<route>`: its body's schema, a line for `GET /_sandbox`, and what it does. */
export interface Route {
  body: z.ZodType;
  summary: string;
  run(sim: Sim, body: never, ctx: ControlContext): unknown;
}
