import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { execForm, parseDockerfile, type Stage } from './dockerfile-instructions.js';

const dockerfile = parseDockerfile(readFileSync('Dockerfile', 'utf8'));
const final = dockerfile.stages.at(-1)!;
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };

const runs = (stage: Stage) => stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
const secretName = /(TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|API_?KEY|PRIVATE)/i;
const secretValue = /(xox[abp]-|xapp-|\bsk-[A-Za-z0-9]|AKIA[0-9A-Z]{12})/;

describe('Dockerfile', () => {
  it('is multi-stage: builds with dev dependencies, runs on Node 24 with production ones only', () => {
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2);
    const build = dockerfile.stages.find((s) => runs(s).some((r) => /npm run build/.test(r)));
    expect(build, 'a stage runs `npm run build`').toBeDefined();
    expect(build).not.toBe(final);
    expect(runs(build!).some((r) => /npm ci(?![^&]*--omit=dev)/.test(r))).toBe(true);

    expect(final.image).toMatch(
      /^(node:24-slim|gcr\.io\/distroless\/nodejs24[\w.-]*)(@sha256:[0-9a-f]{64})?$/,
    );
    expect(runs(final).some((r) => /npm ci\b[^&]*--omit=dev/.test(r))).toBe(true);
    expect(runs(final).some((r) => /npm ci(?![^&]*--omit=dev)/.test(r))).toBe(false);
  });

  it('ships the compiled output and the inventory, not the sources', () => {
    const copies = final.instructions.filter((i) => i.keyword === 'COPY').map((i) => i.args);
    expect(copies).toContainEqual(
      expect.stringMatching(new RegExp(`--from=${dockerfile.stages[0]!.name}\\b.*dist`)),
    );
    expect(copies).toContainEqual(expect.stringMatching(/^infra\/environments\b/));
    expect(copies.some((c) => /^src\b/.test(c))).toBe(false);
  });

  it('runs as a non-root user given by number', () => {
    const users = final.instructions.filter((i) => i.keyword === 'USER');
    expect(users.length).toBeGreaterThan(0);
    const [uid, gid] = users.at(-1)!.args.split(':');
    expect(Number(uid)).toBeGreaterThan(0);
    if (gid !== undefined) expect(Number(gid)).toBeGreaterThan(0);
  });

  it('bakes in no secrets: no ARG/ENV named or valued like a credential', () => {
    for (const ins of dockerfile.instructions.filter((i) => i.keyword === 'ARG' || i.keyword === 'ENV')) {
      const name = ins.args.split(/[=\s]/)[0]!;
      expect(name, `line ${ins.line}`).not.toMatch(secretName);
      expect(ins.args, `line ${ins.line}`).not.toMatch(secretValue);
    }
    expect(dockerfile.instructions.some((i) => i.keyword === 'ADD' && /https?:/.test(i.args))).toBe(false);
  });

  it('starts the same file as `npm start`, in exec form so node receives SIGTERM itself', () => {
    const cmd = execForm(final.instructions.filter((i) => i.keyword === 'CMD').at(-1)!.args);
    expect(cmd?.[0]).toBe('node');
    expect(cmd?.at(-1)).toBe('dist/src/main.js');
    expect(pkg.scripts.start).toBe(`node ${cmd?.at(-1)}`);
    expect(final.instructions.some((i) => i.keyword === 'ENTRYPOINT')).toBe(false);
  });

  it('has a HEALTHCHECK on the route the web role serves, and exposes its default port', () => {
    const hc = final.instructions.find((i) => i.keyword === 'HEALTHCHECK');
    expect(hc?.args).toMatch(/\/healthz/);
    expect(readFileSync('src/app/health-routes.ts', 'utf8')).toContain("'/healthz'");
    expect(final.instructions.find((i) => i.keyword === 'EXPOSE')?.args).toBe('3000');
    expect(readFileSync('src/config/env-schema.ts', 'utf8')).toMatch(/\.default\(3000\)/);
  });

  it('.dockerignore lets in exactly what COPY needs, and never .env', () => {
    const ignore = readFileSync('.dockerignore', 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    expect(ignore[0]).toBe('**');
    const allowed = ignore.filter((l) => l.startsWith('!')).map((l) => l.slice(1).replace(/\/\*\*$/, ''));
    const sources = dockerfile.instructions
      .filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from'))
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    for (const source of sources) expect(allowed, source).toContain(source.replace(/\/$/, ''));
    expect(allowed.some((a) => a.includes('.env'))).toBe(false);
    expect(ignore).toContain('**/.env');
  });
});
