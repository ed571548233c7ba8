import { serve } from '../shared/http.js';
import { type AwsSandboxOptions, principalFor } from './aws-context.js';
import { type AwsState, createAwsHandler } from './aws-router.js';
import { EcrTokenIssuer } from './ecr-token-issuer.js';
import { type EksTokenResult, validateEksToken } from './validate-eks-token.js';

export type { AwsSandboxOptions, SimulatedCluster } from './aws-context.js';

export interface AwsSandbox {
  /** One endpoint for EKS, STS and ECR (pass as the SDK clients' `endpoint`). */
  endpoint: string;
  /** For the kube sandbox: validates a `k8s-aws-v1.` token for `eksClusterName`. */
  validateEksToken(token: string, eksClusterName: string): EksTokenResult;
  /** Issues and checks ECR registry passwords; give `ecrTokens.check` to the ECR registry's basic auth. */
  ecrTokens: EcrTokenIssuer;
  control: {
    /** How long STS presigned URLs (EKS tokens) stay valid; default 900. */
    setTokenMaxAgeSeconds(s: number): void;
    /** While on, the configured key is rejected everywhere, as AWS rejects a deleted key. */
    revokeCredentials(on: boolean): void;
    /** Back to defaults (15 min token age, credentials valid); issued ECR passwords stay valid. */
    reset(): void;
  };
  close(): Promise<void>;
}

const DEFAULT_TOKEN_MAX_AGE_MS = 15 * 60 * 1000;

/** Simulated EKS + STS + ECR API endpoint verifying SigV4 on every request. */
export async function startAwsSandbox(opts: AwsSandboxOptions): Promise<AwsSandbox> {
  const tokens = opts.ecr.tokens ?? new EcrTokenIssuer(opts.clock);
  const state: AwsState = { tokenMaxAgeMs: DEFAULT_TOKEN_MAX_AGE_MS, revoked: false };
  const principal = principalFor(opts);
  const server = await serve(createAwsHandler({ opts, state, tokens, principal }));
  const stsEndpoint = new URL(server.url);
  return {
    endpoint: server.url,
    ecrTokens: tokens,
    validateEksToken: (token, eksClusterName) =>
      validateEksToken(token, eksClusterName, {
        stsEndpoint,
        credentials: opts.credentials,
        revoked: state.revoked,
        now: opts.clock.now(),
        maxAgeMs: state.tokenMaxAgeMs,
        clusterNames: opts.clusters().map((c) => c.eksName),
        principalArn: principal.arn,
      }),
    control: {
      setTokenMaxAgeSeconds: (s) => {
        state.tokenMaxAgeMs = s * 1000;
      },
      revokeCredentials: (on) => {
        state.revoked = on;
      },
      reset: () => {
        state.tokenMaxAgeMs = DEFAULT_TOKEN_MAX_AGE_MS;
        state.revoked = false;
      },
    },
    close: () => server.close(),
  };
}
