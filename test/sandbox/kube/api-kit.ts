import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Fixture } from './fixture.js';
import { STATIC_TOKEN } from './fixture.js';

/** A written kubeconfig and a kubectl runner for it (stdin for `-f -`, failures as {code, stderr}). */
export async function kubectlFor(fx: Fixture) {
  const dir = await mkdtemp(join(tmpdir(), 'opsbot-kubectl-api-'));
  const kubeconfig = join(dir, 'kubeconfig');
  await fx.sandbox.writeKubeconfig(kubeconfig);
  const env = { ...process.env, KUBECACHEDIR: join(dir, 'cache'), HOME: dir };
  const run = (context: string, args: string[], stdin?: string) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn('kubectl', ['--kubeconfig', kubeconfig, '--context', context, ...args], { env });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => {
        stdout += d;
      });
      child.stderr.on('data', (d) => {
        stderr += d;
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
      child.stdin.end(stdin ?? '');
    });
  /** Runs kubectl and returns stdout; rejects with stderr when it exits non-zero. */
  const kubectl = async (context: string, args: string[], stdin?: string) => {
    const r = await run(context, args, stdin);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  };
  return { kubectl, run, close: () => rm(dir, { recursive: true, force: true }) };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTPS request to a simulated API server, trusting its CA; `token: null` sends no credentials. */
export function apiRequest(
  fx: Fixture,
  clusterId: string,
  path: string,
  opts: { method?: string; token?: string | null; headers?: Record<string, string>; body?: string } = {},
): Promise<RawResponse> {
  const c = fx.sandbox.clusters.get(clusterId);
  if (!c) throw new Error(`no cluster ${clusterId}`);
  const url = new URL(path, c.server);
  const token = opts.token === undefined ? STATIC_TOKEN : opts.token;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: opts.method ?? 'GET',
        ca: Buffer.from(c.caData, 'base64').toString('utf8'),
        headers: {
          accept: 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(opts.body ? { 'content-type': 'application/json' } : {}),
          ...opts.headers,
        },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => {
          body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** GET a JSON document with the admin token. */
export async function getJson<T = Record<string, unknown>>(
  fx: Fixture,
  clusterId: string,
  path: string,
): Promise<T> {
  const r = await apiRequest(fx, clusterId, path);
  if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${r.body}`);
  return JSON.parse(r.body) as T;
}
