/** One entry of Cloudflare's `errors` array, as the v4 API sends it. */
export interface CfErrorItem {
  code: number;
  message: string;
  error_chain?: { code: number; message: string }[];
  /** Where in the request body the problem is (JSON pointer); used for batch items. */
  source?: { pointer: string };
}

/** A failure the simulated API answers with Cloudflare's envelope and HTTP status. */
export class CfApiError extends Error {
  constructor(
    readonly status: number,
    readonly errors: CfErrorItem[],
    readonly headers: Record<string, string> = {},
  ) {
    super(errors.map((e) => `${e.code}: ${e.message}`).join('; '));
    this.name = 'CfApiError';
  }

  /** The same error with each item pointing at `pointer` (a batch operation). */
  at(pointer: string): CfApiError {
    return new CfApiError(
      this.status,
      this.errors.map((e) => ({ ...e, source: { pointer } })),
      this.headers,
    );
  }
}

const plain = (status: number, code: number, message: string) => new CfApiError(status, [{ code, message }]);

/** DNS record validation failures arrive wrapped in 1004 with the specific cause in `error_chain`. */
const dnsValidation = (code: number, message: string) =>
  new CfApiError(400, [{ code: 1004, message: 'DNS Validation Error', error_chain: [{ code, message }] }]);

// Codes and texts as the real API returns them (collected from public API responses).
export const cfErrors = {
  missingAuth: () => plain(400, 9106, 'Missing X-Auth-Key, X-Auth-Email or Authorization headers'),
  badAuthorizationFormat: () =>
    new CfApiError(400, [
      {
        code: 6003,
        message: 'Invalid request headers',
        error_chain: [{ code: 6111, message: 'Invalid format for Authorization header' }],
      },
    ]),
  badAuthKeyFormat: () =>
    new CfApiError(400, [
      {
        code: 6003,
        message: 'Invalid request headers',
        error_chain: [{ code: 6103, message: 'Invalid format for X-Auth-Key header' }],
      },
    ]),
  authentication: () => plain(403, 10000, 'Authentication error'),
  invalidApiToken: () => plain(401, 1000, 'Invalid API Token'),
  couldNotRoute: (path: string) =>
    plain(400, 7003, `Could not route to ${path}, perhaps your object identifier is invalid?`),
  noRoute: () => plain(400, 7000, 'No route for that URI'),
  // Approximation: the real API's code for a wrong method on a known route is undocumented.
  methodNotAllowed: () => plain(405, 10405, 'Method not allowed'),
  invalidBody: () => plain(400, 9207, 'Request body is invalid.'),
  recordNotFound: () => plain(404, 81044, 'Record does not exist.'),
  invalidA: () => plain(400, 9005, 'Content for A record must be a valid IPv4 address.'),
  invalidAAAA: () => plain(400, 9006, 'Content for AAAA record must be a valid IPv6 address.'),
  invalidHostnameContent: (type: string) => dnsValidation(9007, `Content for ${type} record is invalid.`),
  cnameSelf: () => dnsValidation(9039, 'CNAME content cannot reference itself.'),
  invalidTtl: () => dnsValidation(9021, 'TTL must be between 60 and 86400 seconds, or 1 for Automatic.'),
  notProxiable: () => dnsValidation(9004, 'This record type cannot be proxied.'),
  proxyTargetNotAllowed: (target: string) =>
    dnsValidation(9003, `Target ${target} is not allowed for a proxied record.`),
  invalidName: () => dnsValidation(9000, 'DNS name is invalid.'),
  invalidType: () => dnsValidation(9020, 'Invalid DNS record type.'),
  invalidPriority: () => dnsValidation(9101, 'Priority must be an integer between 0 and 65535.'),
  cnameConflict: () => plain(400, 81053, 'An A, AAAA, or CNAME record with that host already exists.'),
  hostHasCname: () => plain(400, 81054, 'A CNAME record with that host already exists.'),
  identicalRecord: () => plain(400, 81058, 'An identical record already exists.'),
  // Approximation: Free plan limit of 200 changes per batch; the real code for it is undocumented.
  batchTooLarge: (limit: number) =>
    dnsValidation(9999, `A batch may contain at most ${limit} record operations on this plan.`),
  rateLimited: (retryAfterSeconds: number) =>
    new CfApiError(429, [{ code: 971, message: 'Please wait and consider throttling your request speed' }], {
      'retry-after': String(retryAfterSeconds),
    }),
};
