import { createHash } from 'node:crypto';
import { type AwsCall, epochSeconds, type SimulatedCluster, sendAwsJson } from './aws-context.js';
import { AwsError } from './aws-errors.js';

// A fixed creation time keeps DescribeCluster output stable across runs.
const CREATED_AT = Date.UTC(2024, 8, 2, 15, 0, 0);

/** EKS (restJson1): `GET /clusters` and `GET /clusters/{name}`, scoped to the signing region. */
export function handleEks(call: AwsCall): void {
  const { method, path } = call.req;
  if (method === 'GET' && (path === '/clusters' || path === '/clusters/')) {
    listClusters(call);
    return;
  }
  const match = /^\/clusters\/([^/]+)$/.exec(path);
  if (method === 'GET' && match) {
    describeCluster(call, decodeURIComponent(match[1]!));
    return;
  }
  throw new AwsError(404, 'NotFoundException', `No operation for ${method} ${path}`);
}

function clustersInRegion(call: AwsCall): SimulatedCluster[] {
  return call.opts.clusters().filter((c) => c.region === call.region);
}

function describeCluster(call: AwsCall, name: string): void {
  const cluster = clustersInRegion(call).find((c) => c.eksName === name);
  if (!cluster)
    throw new AwsError(404, 'ResourceNotFoundException', `No cluster found for name: ${name}.`, {
      clusterName: name,
    });
  sendAwsJson(call, { cluster: clusterShape(call, cluster) }, 'application/json');
}

function listClusters(call: AwsCall): void {
  const maxParam = call.req.query.maxResults;
  const max = maxParam === undefined ? 100 : Number(maxParam);
  if (!Number.isInteger(max) || max < 1 || max > 100)
    throw new AwsError(400, 'InvalidParameterException', 'maxResults must be between 1 and 100');
  const names = clustersInRegion(call)
    .map((c) => c.eksName)
    .sort();
  const tokenParam = call.req.query.nextToken;
  const start = typeof tokenParam === 'string' ? Number(Buffer.from(tokenParam, 'base64url').toString()) : 0;
  if (!Number.isInteger(start) || start < 0)
    throw new AwsError(400, 'InvalidParameterException', 'The nextToken is invalid');
  const page = names.slice(start, start + max);
  const next =
    start + max < names.length ? Buffer.from(String(start + max)).toString('base64url') : undefined;
  sendAwsJson(call, { clusters: page, ...(next ? { nextToken: next } : {}) }, 'application/json');
}

function clusterShape(call: AwsCall, c: SimulatedCluster): Record<string, unknown> {
  const account = call.opts.accountId;
  const id = createHash('sha256').update(`${c.region}/${c.eksName}`).digest('hex').toUpperCase();
  return {
    name: c.eksName,
    arn: `arn:aws:eks:${c.region}:${account}:cluster/${c.eksName}`,
    createdAt: epochSeconds(CREATED_AT),
    version: '1.32',
    endpoint: c.endpoint,
    roleArn: `arn:aws:iam::${account}:role/${c.eksName}-cluster`,
    resourcesVpcConfig: {
      subnetIds: [`subnet-${id.slice(0, 17).toLowerCase()}`],
      securityGroupIds: [],
      clusterSecurityGroupId: `sg-${id.slice(17, 34).toLowerCase()}`,
      vpcId: `vpc-${id.slice(34, 51).toLowerCase()}`,
      endpointPublicAccess: true,
      endpointPrivateAccess: true,
      publicAccessCidrs: ['0.0.0.0/0'],
    },
    kubernetesNetworkConfig: { serviceIpv4Cidr: '172.20.0.0/16', ipFamily: 'ipv4' },
    logging: { clusterLogging: [{ types: ['api', 'audit', 'authenticator'], enabled: true }] },
    identity: { oidc: { issuer: `https://oidc.eks.${c.region}.amazonaws.com/id/${id.slice(0, 32)}` } },
    status: 'ACTIVE',
    certificateAuthority: { data: c.caData },
    platformVersion: 'eks.9',
    tags: {},
    accessConfig: { authenticationMode: 'API_AND_CONFIG_MAP' },
    upgradePolicy: { supportType: 'STANDARD' },
  };
}
