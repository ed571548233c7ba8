import { readBody } from '../shared/http.js';
import { decodeProtobuf, isProtobuf } from './protobuf-body.js';
import { type Attributes, authorize } from './rbac.js';
import type { RequestContext } from './request-context.js';
import { sendObject } from './respond.js';
import { badRequest, invalid, KubeError } from './status-errors.js';

interface ReviewSpec {
  resourceAttributes?: {
    namespace?: string;
    verb?: string;
    group?: string;
    version?: string;
    resource?: string;
    subresource?: string;
    name?: string;
  };
  nonResourceAttributes?: { path?: string; verb?: string };
}

/**
 * A SelfSubjectAccessReview (`kubectl auth can-i`): the RBAC decision for the requesting user (after
 * impersonation), answered 201 with the spec echoed and `status.allowed` / `status.reason`.
 */
export async function accessReview(ctx: RequestContext): Promise<void> {
  let review: { spec?: ReviewSpec };
  const body = await readBody(ctx.req);
  try {
    review = isProtobuf(ctx.req.headers['content-type'])
      ? decodeProtobuf(body, 'SelfSubjectAccessReview')
      : (JSON.parse(body.toString('utf8')) as { spec?: ReviewSpec });
  } catch (err) {
    if (err instanceof KubeError) throw err;
    throw badRequest(
      `SelfSubjectAccessReview in version "v1" cannot be handled as a SelfSubjectAccessReview: ${(err as Error).message}`,
    );
  }
  const spec = review.spec ?? {};
  const r = spec.resourceAttributes;
  const nr = spec.nonResourceAttributes;
  if (!r === !nr)
    throw invalid('SelfSubjectAccessReview', 'authorization.k8s.io', '', [
      {
        field: 'spec.resourceAttributes',
        message: `Invalid value: "${r ? 'resourceAttributes' : 'null'}": exactly one of nonResourceAttributes or resourceAttributes must be specified`,
      },
    ]);
  const a: Attributes = r
    ? {
        verb: r.verb ?? '',
        resourceRequest: true,
        path: '',
        apiGroup: r.group ?? '',
        namespace: r.namespace ?? '',
        resource: r.resource ?? '',
        subresource: r.subresource ?? '',
        name: r.name ?? '',
      }
    : {
        verb: nr?.verb ?? '',
        resourceRequest: false,
        path: nr?.path ?? '',
        apiGroup: '',
        namespace: '',
        resource: '',
        subresource: '',
        name: '',
      };
  const decision = authorize(ctx.sim.store, ctx.user, a);
  sendObject(ctx.res, 201, {
    kind: 'SelfSubjectAccessReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: {},
    spec,
    status: { allowed: decision.allowed, ...(decision.reason ? { reason: decision.reason } : {}) },
  });
}
