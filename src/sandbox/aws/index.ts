export { EcrTokenIssuer } from './ecr-token-issuer.js';
export {
  type AwsSandbox,
  type AwsSandboxOptions,
  type SimulatedCluster,
  startAwsSandbox,
} from './start-aws-sandbox.js';
export type { EksTokenResult } from './validate-eks-token.js';
