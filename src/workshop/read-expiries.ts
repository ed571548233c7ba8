import { shortFailure } from '../errors/short-failure.js';
import type { Environment } from '../inventory/schema.js';
import type { JobDeps } from '../jobs/job-deps.js';
import { slackTime } from '../plans/render-plan.js';

export interface Expiry {
  what: string;
  /** Epoch ms; null: never expires. */
  at: number | null;
  /** Could not be read: why. */
  error?: string;
}

/** Credentials opsbot can see the expiry of: LiteLLM's key per LiteLLM probe. */
export async function readExpiries(deps: Pick<JobDeps, 'probes'>, env: Environment): Promise<Expiry[]> {
  const litellm = env.probes.filter((p) => p.kind === 'litellm');
  return Promise.all(
    litellm.map(async (probe): Promise<Expiry> => {
      const what = `LiteLLM key (${probe.id})`;
      try {
        const at = await deps.probes.litellmKeyExpiry(probe);
        return at === undefined ? { what, at: null, error: 'LITELLM_API_KEY is not set' } : { what, at };
      } catch (err) {
        return { what, at: null, error: shortFailure(err) };
      }
    }),
  );
}

/** One line per credential: expiring before `until` is a warning. */
export function expiryLines(expiries: Expiry[], until: number): { ok: boolean; lines: string[] } {
  let ok = true;
  const lines = expiries.map((e) => {
    if (e.error) return `❔ ${e.what}: expiry unknown (${e.error})`;
    if (e.at === null) return `✅ ${e.what}: never expires`;
    if (e.at <= until) {
      ok = false;
      return `⚠️ ${e.what} expires ${slackTime(e.at)}, before the workshop ends: renew it`;
    }
    return `✅ ${e.what}: valid until ${slackTime(e.at)}`;
  });
  return { ok, lines };
}
