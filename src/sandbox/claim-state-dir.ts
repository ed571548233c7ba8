import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface StateDirClaim {
  /** Where this process writes state.json and kubeconfig. */
  dir: string;
  /** The live process that already owned the preferred directory, when we had to fall back. */
  ownedBy?: number;
  /** Gives the directory back (a per-process one is removed with its contents). */
  release(): void;
}

const OWNER_FILE = 'owner.pid';

/**
 * One running sandbox or demo per state directory: `<preferred>/owner.pid` names the process whose
 * state.json is there. When a live process owns it, this one writes to `<preferred>/<pid>/` instead,
 * so a second sandbox or demo never overwrites the credentials of one that is running.
 */
export function claimStateDir(preferred: string, pid = process.pid): StateDirClaim {
  mkdirSync(preferred, { recursive: true });
  const ownerFile = join(preferred, OWNER_FILE);
  const owner = readOwner(ownerFile);
  if (owner !== undefined && owner !== pid && isAlive(owner)) {
    const dir = join(preferred, String(pid));
    mkdirSync(dir, { recursive: true });
    return { dir, ownedBy: owner, release: () => rmSync(dir, { recursive: true, force: true }) };
  }
  writeFileSync(ownerFile, `${pid}\n`);
  return {
    dir: preferred,
    release() {
      if (readOwner(ownerFile) === pid) rmSync(ownerFile, { force: true });
    },
  };
}

function readOwner(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, it is just not ours to signal.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
