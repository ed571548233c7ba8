import { App, type Logger, LogLevel, SocketModeReceiver } from '@slack/bolt';
import type { HandlerDeps } from '../handlers/command-deps.js';
import { WORKSHOP_PREP_FORM } from '../handlers/forms/workshop-prep-modal.js';
import {
  ALERT_BUTTONS,
  type ButtonRoute,
  createButtonHandler,
  DIAGNOSE_BUTTONS,
  PLAN_BUTTONS,
  ROTATION_BUTTONS,
} from '../handlers/handle-button.js';
import { createSlashCommandHandler } from '../handlers/handle-slash-command.js';
import { createWorkshopPrepSubmissionHandler } from '../handlers/handle-workshop-prep-submission.js';
import { createSecretScrubber } from '../logging/scrub-secrets.js';
import type { Scrub } from './clean-outgoing.js';
import { withCleanReplies } from './clean-replies.js';
import {
  type KnownRoutes,
  type ReceiverLimits,
  type RejectedRequest,
  type RouteHandler,
  SignedHttpReceiver,
} from './signed-http-receiver.js';

export interface BoltAppOptions {
  mode: 'http' | 'socket';
  botToken: string;
  signingSecret?: string;
  appToken?: string;
  slackApiUrl?: string;
  port: number;
  host?: string;
  routes: Record<string, RouteHandler>;
  handlers: HandlerDeps;
  logger: Logger;
  onRejected?: (rejection: RejectedRequest) => void;
  accepting?: () => boolean;
  /** Masks the bot's credentials in acks and response_url replies. */
  scrub?: Scrub;
  /** Body cap, timeouts and connection cap of the HTTP endpoint (production defaults otherwise). */
  limits?: Partial<ReceiverLimits>;
}

export interface RunningBolt {
  app: App;
  /** The HTTP port actually bound (the events endpoint in HTTP mode, health routes in both). */
  port(): number;
  stop(): Promise<void>;
}

/** Builds the Bolt app in HTTP (signed requests) or Socket Mode and registers every command. */
export async function startBoltApp(opts: BoltAppOptions): Promise<RunningBolt> {
  const clientOptions = {
    ...(opts.slackApiUrl ? { slackApiUrl: opts.slackApiUrl } : {}),
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2000 },
  };
  // Declared once: registered below and told to the receiver, which answers anything else at once.
  const commands = new Set(opts.handlers.registry.map((spec) => spec.command));
  const buttons: [RegExp, ButtonRoute][] = [
    [/^plan\.(approve|cancel|undo)$/, PLAN_BUTTONS],
    [/^rotation\.(extend|resume)$/, ROTATION_BUTTONS],
    [/^diagnose\.fix$/, DIAGNOSE_BUTTONS],
    [/^alert\.(ack|snooze1h|snooze4h|snoozetomorrow)$/, ALERT_BUTTONS],
  ];
  const forms = new Map([[WORKSHOP_PREP_FORM, createWorkshopPrepSubmissionHandler(opts.handlers)]]);
  const events = new Set(['app_home_opened']);
  const known: KnownRoutes = {
    command: (name) => commands.has(name),
    action: (id) => buttons.some(([pattern]) => pattern.test(id)),
    view: (callbackId) => forms.has(callbackId),
    event: (type) => events.has(type),
  };
  let receiver: SignedHttpReceiver | undefined;
  let app: App;
  if (opts.mode === 'http') {
    if (!opts.signingSecret) throw new Error('HTTP mode needs a signing secret');
    receiver = new SignedHttpReceiver({
      signingSecret: opts.signingSecret,
      logger: opts.logger,
      routes: opts.routes,
      host: opts.host ?? '0.0.0.0',
      known,
      ...(opts.limits ? { limits: opts.limits } : {}),
      ...(opts.onRejected ? { onRejected: opts.onRejected } : {}),
      ...(opts.accepting ? { accepting: opts.accepting } : {}),
    });
    app = new App({
      token: opts.botToken,
      receiver,
      clientOptions,
      logger: opts.logger,
      logLevel: LogLevel.WARN,
      // No conversation state is used; Bolt's default store builds an error object on every request.
      convoStore: false,
    });
  } else {
    if (!opts.appToken) throw new Error('Socket Mode needs an app-level token (xapp-…)');
    // Built explicitly so the WebSocket client uses the same Slack API URL and reconnects promptly.
    const socketReceiver = new SocketModeReceiver({
      appToken: opts.appToken,
      logger: opts.logger,
      logLevel: LogLevel.WARN,
      clientPingTimeout: 5000,
      customRoutes: Object.entries(opts.routes).map(([path, handler]) => ({
        path,
        method: ['GET'],
        handler,
      })),
      installerOptions: { port: opts.port, clientOptions },
    });
    app = new App({
      token: opts.botToken,
      receiver: socketReceiver,
      clientOptions,
      logger: opts.logger,
      logLevel: LogLevel.WARN,
      // No conversation state is used; Bolt's default store builds an error object on every request.
      convoStore: false,
    });
  }
  const scrub = opts.scrub ?? createSecretScrubber([]);
  const slash = withCleanReplies(createSlashCommandHandler(opts.handlers), scrub);
  for (const spec of opts.handlers.registry) app.command(spec.command, slash);
  for (const [pattern, route] of buttons)
    app.action(pattern, withCleanReplies(createButtonHandler(opts.handlers, route), scrub) as never);
  for (const [callbackId, handler] of forms)
    app.view({ callback_id: callbackId, type: 'view_submission' }, handler);
  app.event('app_home_opened', async ({ event }) => {
    if (event.tab !== 'home') return;
    // One refresh per user a few seconds apart is plenty; the job id folds repeats together.
    const slot = Math.floor(opts.handlers.clock.now() / 5000);
    await opts.handlers.queue
      .enqueue(
        'home.publish',
        { user: event.user, meta: { requester: event.user } },
        { jobId: `home-${event.user}-${slot}` },
      )
      .catch((err: unknown) => opts.handlers.logger.warn({ err }, 'could not queue the App Home refresh'));
  });
  app.error(async (err) => {
    opts.handlers.logger.error({ err }, 'bolt error');
  });
  if (receiver) {
    const http = receiver;
    await app.start(opts.port);
    return { app, port: () => http.port(), stop: async () => void (await app.stop()) };
  }
  await app.start();
  return { app, port: () => opts.port, stop: async () => void (await app.stop()) };
}
