import { type AwsCall, sendAwsJson } from './aws-context.js';
import { AwsError, baseHeaders } from './aws-errors.js';

const VERSION = '2011-06-15';

/** STS (awsQuery): GetCallerIdentity, as a signed POST form or a presigned GET. */
export function handleSts(call: AwsCall): void {
  const params = stsParams(call);
  const action = params.Action;
  if (!action) throw new AwsError(400, 'MissingAction', 'Missing Action');
  if (action !== 'GetCallerIdentity' || params.Version !== VERSION)
    throw new AwsError(
      400,
      'InvalidAction',
      `Could not find operation ${action} for version ${params.Version ?? 'NO_VERSION_SPECIFIED'}`,
    );
  const { arn, userId, account } = call.principal;
  // aws-iam-authenticator asks for JSON; SDKs get the XML document.
  if ((call.req.headers.accept ?? '').includes('application/json')) {
    sendAwsJson(
      call,
      {
        GetCallerIdentityResponse: {
          GetCallerIdentityResult: { Account: account, Arn: arn, UserId: userId },
          ResponseMetadata: { RequestId: call.meta.requestId },
        },
      },
      'application/json',
    );
    return;
  }
  const xml =
    `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/${VERSION}/">\n` +
    `  <GetCallerIdentityResult>\n    <Arn>${arn}</Arn>\n    <UserId>${userId}</UserId>\n` +
    `    <Account>${account}</Account>\n  </GetCallerIdentityResult>\n` +
    `  <ResponseMetadata>\n    <RequestId>${call.meta.requestId}</RequestId>\n  </ResponseMetadata>\n` +
    `</GetCallerIdentityResponse>\n`;
  call.res.writeHead(200, {
    ...baseHeaders(call.meta),
    'content-type': 'text/xml',
    'content-length': String(Buffer.byteLength(xml)),
  });
  call.res.end(xml);
}

/** Query parameters and, for POST, the form body (form values win). */
function stsParams(call: AwsCall): Record<string, string | undefined> {
  const params: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(call.req.query)) params[k] = Array.isArray(v) ? v[0] : v;
  if (call.req.method === 'POST') {
    const type = call.req.headers['content-type'] ?? '';
    if (call.req.body.length > 0 && !type.startsWith('application/x-www-form-urlencoded'))
      throw new AwsError(400, 'InvalidParameterValue', `Unsupported content type ${type}`);
    for (const [k, v] of new URLSearchParams(call.req.body.toString('utf8'))) params[k] = v;
  }
  return params;
}
