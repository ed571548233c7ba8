import { randomBytes } from 'node:crypto';
import { generateCoderSessionToken } from './coder/start-coder-sandbox.js';

/** Credentials the simulated services accept, made fresh at every start so none is ever committed. */
export interface SandboxSecrets {
  signingSecret: string;
  botToken: string;
  appToken: string;
  cloudflareToken: string;
  aws: { accessKeyId: string; secretAccessKey: string };
  coderSessionToken: string;
  litellmKey: string;
  kubeToken: string;
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const digits = (n: number) => Array.from(randomBytes(n), (b) => String(b % 10)).join('');

export function makeSandboxSecrets(): SandboxSecrets {
  return {
    signingSecret: hex(16),
    botToken: ['xoxb', digits(12), digits(12), hex(12)].join('-'),
    appToken: ['xapp', '1', 'A0SANDBOXAPP', digits(12), hex(16)].join('-'),
    cloudflareToken: randomBytes(30).toString('base64url').slice(0, 40),
    aws: {
      accessKeyId: `AKIASANDBOX${hex(5).toUpperCase()}`.slice(0, 20),
      secretAccessKey: randomBytes(30).toString('base64').slice(0, 40),
    },
    coderSessionToken: generateCoderSessionToken(),
    litellmKey: `sk-${hex(16)}`,
    kubeToken: `sandbox-${hex(16)}`,
  };
}
