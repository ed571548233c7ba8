import type { IncomingMessage } from 'node:http';
import type { Reply } from '../coder/coder-http.js';
import { authenticateKey, sameKey } from './litellm-auth.js';
import type { LitellmContext } from './litellm-context.js';
import { abbreviateKey, litellmJson, proxyException, pythonIso } from './litellm-http.js';

/** The key's row in `LiteLLM_VerificationToken`, minus the hashed token, as `/key/info` returns it. */
function keyRow(key: string, ctx: LitellmContext) {
  const created = pythonIso(ctx.state.startedAt);
  return {
    key_name: abbreviateKey(key),
    key_alias: 'opsbot',
    soft_budget_cooldown: false,
    spend: 0.0,
    expires: ctx.state.keyExpiry === null ? null : pythonIso(Date.parse(ctx.state.keyExpiry)),
    models: [],
    aliases: {},
    config: {},
    user_id: 'opsbot',
    team_id: null,
    permissions: {},
    max_parallel_requests: null,
    metadata: {},
    blocked: null,
    tpm_limit: null,
    rpm_limit: null,
    max_budget: null,
    budget_duration: null,
    budget_reset_at: null,
    allowed_cache_controls: [],
    allowed_routes: [],
    model_spend: {},
    model_max_budget: {},
    budget_id: null,
    organization_id: null,
    object_permission_id: null,
    created_at: created,
    created_by: 'default_user_id',
    updated_at: created,
    updated_by: 'default_user_id',
    litellm_budget_table: null,
  };
}

/**
 * `GET /key/info[?key=]`: without `key`, reports on the caller's own key. The sandbox's table holds
 * exactly one key (opsbot's), so any other key is "not found", as LiteLLM answers for unknown keys.
 */
export function keyInfo(req: IncomingMessage, url: URL, ctx: LitellmContext): Reply {
  const auth = authenticateKey(req, ctx);
  if ('status' in auth) return proxyException(auth.status, auth);
  const key = url.searchParams.get('key') || auth.key;
  if (ctx.state.databaseFailing) {
    return proxyException(500, {
      message: 'Authentication Error, Database not connected. Connect a database to your proxy',
      type: 'auth_error',
    });
  }
  if (!sameKey(key, ctx.key)) {
    return proxyException(404, {
      message: 'Key not found in database',
      type: 'not_found_error',
      param: 'key',
    });
  }
  return litellmJson(200, { key, info: keyRow(key, ctx) });
}
