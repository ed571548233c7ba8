import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { postSlashCommand } from '../../src/sandbox/slack/send-to-bot.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/start-sandbox.js';

// Runs what the image runs: `npm run build`, then `node dist/src/main.js` as its own process,
// configured only through the environment, against the simulated ai.coder.com.
const ROOT = resolve('.');
const DIST = join(ROOT, 'dist/src');
const MAIN = join(DIST, 'main.js');
// Development-only code: the production build must neither emit nor import it.
const DEV_ONLY = ['sandbox', 'demo'].map((dir) => join(DIST, dir));

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? ok(addr.port) : fail(new Error('no port'))));
    });
  });
}

async function get(url: string): Promise<{ status: number; body: string; type: string | null }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.text(), type: res.headers.get('content-type') };
}

/** Polls until /healthz answers, failing early (with the bot's output) if the process dies. */
async function waitForHealthy(base: string, child: ChildProcess, output: () => string): Promise<void> {
  // Generous: on a busy 2-core machine the compiled bot's first start (vega, the AWS SDK) takes a while.
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`bot exited with ${child.exitCode}:\n${output()}`);
    const ok = await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`bot never became healthy:\n${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g;

/** The relative imports (resolved to files) and the packages a compiled file imports. */
function importsOf(file: string): { files: string[]; packages: string[] } {
  const files: string[] = [];
  const packages: string[] = [];
  for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
    const spec = m[1]!;
    if (spec.startsWith('.')) files.push(resolve(dirname(file), spec));
    else if (!spec.startsWith('node:') && !builtinModules.includes(spec))
      packages.push(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
  }
  return { files, packages };
}

/** Files and bare imports reachable from the entry point, following the compiled relative imports. */
function importGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const found = importsOf(file);
    pending.push(...found.files);
    for (const name of found.packages) packages.add(name);
  }
  return { files: seen, packages };
}

/** Every file the build wrote under `dir`. */
function emitted(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

const devOnly = (file: string) => DEV_ONLY.some((dir) => file === dir || file.startsWith(`${dir}/`));

describe('the built artifact (dist/src/main.js)', () => {
  let sandbox: Sandbox;
  let child: ChildProcess;
  let base: string;
  let output = '';
  const cwd = mkdtempSync(join(tmpdir(), 'opsbot-artifact-'));

  beforeAll(async () => {
    // As `npm run build`: from an empty dist/, so a file left by an older build cannot hide a leak.
    rmSync(join(ROOT, 'dist'), { recursive: true, force: true });
    const build = spawnSync(
      process.execPath,
      [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    expect(build.status, `npm run build failed:\n${build.stdout}${build.stderr}`).toBe(0);

    const prefix = `artifact-${process.pid}-${Date.now()}`;
    sandbox = await startSandbox({
      redisUrl: inject('redisUrl'),
      redisPrefix: `${prefix}-sim`,
      stateDir: null,
      withBot: false,
    });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    // Only what a container would get: no inherited AWS profile, no dev tooling on the path but node.
    child = spawn(process.execPath, [MAIN], {
      cwd,
      env: {
        PATH: dirname(process.execPath),
        HOME: cwd,
        ...sandbox.botEnv,
        PORT: String(port),
        REDIS_PREFIX: prefix,
        LOG_LEVEL: 'info',
        AWS_ACCESS_KEY_ID: sandbox.state.aws.accessKeyId,
        AWS_SECRET_ACCESS_KEY: sandbox.state.aws.secretAccessKey,
        AWS_EC2_METADATA_DISABLED: 'true',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      output += d.toString();
    });
    await waitForHealthy(base, child, () => output);
  }, 120_000);

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await sandbox?.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('needs only dist/src and production dependencies (what the image holds)', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const { files, packages } = importGraph(MAIN);
    for (const file of files) expect(file.startsWith(join(ROOT, 'dist/src/')), file).toBe(true);
    expect(packages.size).toBeGreaterThan(0);
    for (const name of packages)
      expect(Object.keys(pkg.dependencies), `${name} is imported at run time`).toContain(name);
  });

  it('leaves the sandbox and the demo out: nothing in dist/ is or imports src/sandbox or src/demo', () => {
    const files = emitted(DIST);
    expect(files).toContain(MAIN);
    expect(files.filter(devOnly).map((f) => relative(ROOT, f))).toEqual([]);
    for (const file of files.filter((f) => f.endsWith('.js'))) {
      for (const target of importsOf(file).files) {
        expect(devOnly(target), `${relative(ROOT, file)} imports ${relative(ROOT, target)}`).toBe(false);
        expect(existsSync(target), `${relative(ROOT, file)} imports ${relative(ROOT, target)}`).toBe(true);
      }
    }
  });

  it('serves /healthz, /readyz and /metrics on PORT', async () => {
    expect(await get(`${base}/healthz`)).toMatchObject({ status: 200, body: 'ok\n' });
    expect(await get(`${base}/readyz`)).toMatchObject({ status: 200, body: 'ready\n' });
    const metrics = await get(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.type).toMatch(/^text\/plain/);
  });

  it('answers a signed `/ops status` end to end with the live state of every cluster and DNS', async () => {
    const operator = sandbox.state.slack.users.operator!;
    const fields = sandbox.sim.slack.newSlashCommand({
      command: '/ops',
      text: 'status',
      userId: operator,
      channelId: sandbox.state.slack.channelId,
    });
    const ack = await postSlashCommand(`${base}/slack/events`, sandbox.state.slack.signingSecret, fields);
    expect(ack.status).toBe(200);
    const status = await sandbox.sim.slack.waitFor(
      (m) =>
        m.via === 'chat.postEphemeral' && m.user === operator && m.text.startsWith('Status of ai.coder.com'),
      10_000,
    );
    expect(status.channel).toBe(sandbox.state.slack.channelId);
    expect(status.text).toContain('everything matches the inventory');
    expect(status.text).toMatch(/`provisioners` \(coder\/coder-provisioner-default\): 6\/6 ready/);
    expect(status.text).toMatch(/`proxy:eu-west-2` \(coder\/coder\): 2\/2 ready/);
    expect(status.text).toContain('*DNS ai.coder.com*');
  });

  it('an unsigned request is refused', async () => {
    const res = await fetch(`${base}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'command=%2Fops&text=status',
    });
    expect(res.status).toBe(401);
  });

  it('exits 0 on SIGTERM, and never printed a secret', async () => {
    const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const secrets = [
      sandbox.botEnv.SLACK_BOT_TOKEN,
      sandbox.botEnv.SLACK_SIGNING_SECRET,
      sandbox.botEnv.SLACK_APP_TOKEN,
      sandbox.botEnv.CLOUDFLARE_API_TOKEN,
      sandbox.botEnv.CODER_SESSION_TOKEN,
      sandbox.botEnv.LITELLM_API_KEY,
      sandbox.state.aws.secretAccessKey,
    ];
    expect(output).toContain('opsbot started');
    for (const secret of secrets)
      expect(output.includes(secret!), 'a secret appeared in the output').toBe(false);
  });
});
