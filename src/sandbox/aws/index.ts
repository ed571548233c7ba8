export { EcrTokenIssuer } from './ecr-token-issuer.js';
export { PullThroughCache, type PullThroughRule } from './pull-through-cache.js';
export {
  type AwsSandbox,
  type AwsSandboxOptions,
  type SimulatedCluster,
  startAwsSandbox,
} from './start-aws-sandbox.js';
export type { EksTokenResult } from './validate-eks-token.js';
