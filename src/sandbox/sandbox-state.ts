/** `.sandbox/state.json`, exactly as SANDBOX.md specifies it (a public contract: keep it stable). */
export interface SandboxState {
  slack: {
    eventsUrl: string;
    signingSecret: string;
    teamId: string;
    channelId: string;
    otherChannelId: string;
    users: Record<string, string>;
    apiUrl: string;
    responseUrlBase: string;
    messagesUrl: string;
    /** Accepted by the sandbox's Web API (`apiUrl`), as the bot's own token. */
    botToken: string;
  };
  kubeconfig: string;
  cloudflare: { baseUrl: string; apiToken: string; zones: Record<string, string>; dohUrl: string };
  /** One endpoint for EKS, STS and ECR in every region (the SigV4 scope picks it). */
  aws: { endpoint: string; accessKeyId: string; secretAccessKey: string; regions: string[] };
  /** Each inventory probe (Coder, its workspace proxies, LiteLLM) by id → its simulated base URL. */
  probes: Record<string, string>;
  registries: { 'ghcr.io': string; ecr: string };
  /** Every probed domain's HTTPS endpoint (SNI picks the host) and the CA that signs their certificates. */
  tls: { address: string; caCert: string };
  controlUrl: string;
}
