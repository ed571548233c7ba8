import type { Environment } from '../inventory/schema.js';

/** The environment whose ops channels include `channelId`; commands elsewhere are refused. */
export function environmentForChannel(
  envs: ReadonlyMap<string, Environment>,
  channelId: string,
): Environment | undefined {
  for (const env of envs.values()) if (env.slack.opsChannels.includes(channelId)) return env;
  return undefined;
}

/** Every ops channel, for the refusal message. */
export function allOpsChannels(envs: ReadonlyMap<string, Environment>): string[] {
  return [...envs.values()].flatMap((e) => e.slack.opsChannels);
}
