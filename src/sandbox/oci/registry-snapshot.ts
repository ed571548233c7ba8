import type { StoredManifest } from './registry-store.js';

/** One repository: its tags, the manifests pushed to it (with push times) and the blobs it links. */
export interface RepoState {
  createdAt: number;
  tags: Map<string, string>;
  /** digest → push time (ms) */
  manifests: Map<string, number>;
  blobs: Set<string>;
}

/** A RegistryStore's contents at one moment (see `snapshot`). */
export interface RegistrySnapshot {
  readonly manifests: ReadonlyMap<string, StoredManifest>;
  readonly blobs: ReadonlyMap<string, Buffer>;
  readonly repos: ReadonlyMap<string, RepoState>;
  readonly generations: ReadonlyMap<string, number>;
}

/** A deep copy of the repositories' maps (the stored bytes are shared: never mutated). */
export function copyRepos(repos: ReadonlyMap<string, RepoState>): Map<string, RepoState> {
  return new Map(
    [...repos].map(([name, r]) => [
      name,
      {
        createdAt: r.createdAt,
        tags: new Map(r.tags),
        manifests: new Map(r.manifests),
        blobs: new Set(r.blobs),
      },
    ]),
  );
}
