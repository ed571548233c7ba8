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
  };
  kubeconfig: string;
  cloudflare: { baseUrl: string; apiToken: string; zones: Record<string, string> };
  aws: { endpoint: string; accessKeyId: string; secretAccessKey: string };
  registries: { 'ghcr.io': string; ecr: string };
  controlUrl: string;
}
