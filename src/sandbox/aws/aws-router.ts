import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { applyFault, readBody } from '../shared/http.js';
import type { AwsCall, AwsSandboxOptions, Principal } from './aws-context.js';
import {
  AwsError,
  type AwsProtocol,
  authError,
  faultError,
  type ResponseMeta,
  sendAwsError,
} from './aws-errors.js';
import { handleEcr } from './ecr-api.js';
import type { EcrTokenIssuer } from './ecr-token-issuer.js';
import { handleEks } from './eks-api.js';
import {
  parseQuery,
  peekScope,
  type SignedRequest,
  verifyHeaderSignature,
  verifyPresigned,
} from './sigv4-verify.js';
import { handleSts } from './sts-api.js';

/** Mutable by the control API. */
export interface AwsState {
  tokenMaxAgeMs: number;
  revoked: boolean;
}

export interface AwsRouterDeps {
  opts: AwsSandboxOptions;
  state: AwsState;
  tokens: EcrTokenIssuer;
  principal: Principal;
}

const PROTOCOLS: Record<string, AwsProtocol> = { eks: 'rest-json', ecr: 'json', sts: 'query' };
const HANDLERS: Record<string, (call: AwsCall) => void> = { eks: handleEks, ecr: handleEcr, sts: handleSts };

/** Which service an unsigned (or oddly signed) request was meant for, to answer in its protocol. */
function guessService(req: IncomingMessage, path: string): string {
  if (String(req.headers['x-amz-target'] ?? '').startsWith('AmazonEC2ContainerRegistry')) return 'ecr';
  return path.startsWith('/clusters') ? 'eks' : 'sts';
}

/** Injected faults in the service's protocol; `applyFault` writes JSON, so STS gets an XML twin of it. */
async function injectFault(deps: AwsRouterDeps, service: string, res: ServerResponse, meta: ResponseMeta) {
  const protocol = PROTOCOLS[service]!;
  const { faults } = deps.opts;
  if (protocol !== 'query')
    return applyFault(faults, service, res, (status) => {
      const err = faultError(protocol, status);
      return { __type: err.code, message: err.message };
    });
  if (faults.isUnreachable(service)) {
    res.socket?.destroy();
    return true;
  }
  const fault = faults.take(service);
  if (fault.delayMs > 0) await new Promise((r) => setTimeout(r, fault.delayMs));
  if (fault.status === undefined) return false;
  if (fault.retryAfter !== undefined) res.setHeader('retry-after', String(fault.retryAfter));
  sendAwsError(res, protocol, faultError(protocol, fault.status), meta);
  return true;
}

/** Routes by credential-scope service, verifies SigV4 (header or presigned), then dispatches. */
export function createAwsHandler(deps: AwsRouterDeps) {
  const { opts, state } = deps;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const [path = '/', rawQuery = ''] = (req.url ?? '/').split('?', 2);
    const query = parseQuery(rawQuery);
    const service = peekScope({ headers: req.headers, query })?.service ?? guessService(req, path);
    const protocol = PROTOCOLS[service] ?? 'rest-json';
    const meta: ResponseMeta = { requestId: randomUUID(), date: new Date(opts.clock.now()) };
    if (PROTOCOLS[service] && (await injectFault(deps, service, res, meta))) return;
    const method = req.method ?? 'GET';
    const signed: SignedRequest = { method, path, query, headers: req.headers, body: await readBody(req) };
    try {
      const handler = HANDLERS[service];
      if (!handler)
        throw new AwsError(400, 'UnknownOperationException', `Service ${service} is not simulated`);
      const verify = query['X-Amz-Signature'] !== undefined ? verifyPresigned : verifyHeaderSignature;
      const result = await verify(signed, {
        credentials: opts.credentials,
        revoked: state.revoked,
        now: opts.clock.now(),
        presignedMaxAgeMs: state.tokenMaxAgeMs,
      });
      if (!result.ok) throw authError(protocol, result.kind, result.message);
      handler({
        opts,
        tokens: deps.tokens,
        region: result.region,
        req: signed,
        res,
        meta,
        principal: deps.principal,
      });
    } catch (err) {
      if (!(err instanceof AwsError)) throw err;
      sendAwsError(res, protocol, err, meta);
    }
  };
}
