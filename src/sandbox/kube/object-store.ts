import type { Clock } from '../shared/clock.js';
import type { Rng } from './random.js';
import { clone, type KubeObject, kubeTime } from './types.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  rv: number;
  resource: string;
  type: WatchEventType;
  object: KubeObject;
  /** The object before this change (absent for ADDED). */
  previous?: KubeObject;
}

/**
 * Objects made on demand from an index (a cluster seeded at scale: 150,000 pods), so the store's memory
 * does not grow with them. Read-only: the API's reads (get, list pages) see them; controllers
 * (`list`/`peek`) and watches do not, and writes to them answer as for a missing object.
 */
export interface GeneratedObjects {
  readonly size: number;
  /** Store key (`namespace/name`) of item `i`; strictly increasing with `i`. */
  keyAt(i: number): string;
  /** The object; it may share parts with others, so callers must not change it (`get` copies). */
  objectAt(i: number): KubeObject;
  /** Just what selectors read (metadata, the selectable fields): cheaper than `objectAt` for filtering. */
  selectableAt?(i: number): KubeObject;
}

/** One object met by `scan`: what selectors match on, and the object itself (built on demand). */
export interface ScanEntry {
  key: string;
  /** Generated on demand (not stored): nobody else holds it. */
  generated: boolean;
  selectable: KubeObject;
  object(): KubeObject;
}

/** First index in [0, size) whose key is >= `key` (keys ascending). */
function lowerBound(size: number, keyAt: (i: number) => string, key: string): number {
  let lo = 0;
  let hi = size;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((keyAt(mid) as string) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const HISTORY_LIMIT = 5_000;
const COMPACTION_MS = 5 * 60_000;

/**
 * One cluster's etcd: objects per qualified resource, a single monotonic resourceVersion,
 * a bounded event history for watches, and a compaction mark for expiring continue tokens.
 */
export class ObjectStore {
  private counter: number;
  private readonly buckets = new Map<string, Map<string, KubeObject>>();
  /** Keys of each bucket in order, kept until a create or delete changes the set. */
  private readonly sortedKeys = new Map<string, string[]>();
  private readonly generated = new Map<string, GeneratedObjects>();
  private history: StoreEvent[] = [];
  private historyFloor: number;
  private readonly listeners = new Set<(e: StoreEvent) => void>();
  private readonly clearListeners = new Set<() => void>();
  private compactedRv = 0;
  private compactionMark: number;
  private lastCompactionAt: number;

  constructor(
    private readonly clock: Clock,
    private rng: Rng,
    private readonly generationResources: Set<string>,
    startRv = 1000,
  ) {
    this.counter = startRv;
    this.historyFloor = startRv;
    this.compactionMark = startRv;
    this.lastCompactionAt = clock.now();
  }

  setRng(rng: Rng): void {
    this.rng = rng;
  }

  get resourceVersion(): number {
    return this.counter;
  }

  static key(namespace: string | undefined, name: string): string {
    return namespace ? `${namespace}/${name}` : name;
  }

  get<T extends KubeObject = KubeObject>(
    resource: string,
    namespace: string | undefined,
    name: string,
  ): T | undefined {
    const key = ObjectStore.key(namespace, name);
    const obj = this.buckets.get(resource)?.get(key);
    if (obj) return clone(obj) as T;
    const gen = this.generated.get(resource);
    if (!gen) return undefined;
    const i = lowerBound(gen.size, (j) => gen.keyAt(j), key);
    return i < gen.size && gen.keyAt(i) === key ? (clone(gen.objectAt(i)) as T) : undefined;
  }

  /** Serves `resource`'s generated objects from `source` beside the stored ones (undefined: none). */
  attachGenerated(resource: string, source: GeneratedObjects | undefined): void {
    if (source) this.generated.set(resource, source);
    else this.generated.delete(resource);
  }

  /**
   * Stored and generated objects in key order, from key `from` on, within `namespace` if given, until
   * `visit` returns false. Stored objects are passed uncopied: read them, never change them. Costs
   * what is visited, not the whole resource (a list page does not sort or copy 150,000 pods).
   */
  scan(
    resource: string,
    namespace: string | undefined,
    from: string,
    visit: (e: ScanEntry) => boolean,
  ): void {
    const bucket = this.buckets.get(resource);
    const keys = this.keysOf(resource);
    const gen = this.generated.get(resource);
    const prefix = namespace ? `${namespace}/` : '';
    const start = from > prefix ? from : prefix;
    let i = lowerBound(keys.length, (k) => keys[k] as string, start);
    let j = gen ? lowerBound(gen.size, (k) => gen.keyAt(k), start) : 0;
    for (;;) {
      const a = i < keys.length ? keys[i] : undefined;
      const b = gen && j < gen.size ? gen.keyAt(j) : undefined;
      if (a === undefined && b === undefined) return;
      const stored = a !== undefined && (b === undefined || a <= b);
      const key = (stored ? a : b) as string;
      if (!key.startsWith(prefix)) return;
      // A stored object of the same name shadows the generated one.
      if (stored && a === b) j++;
      let entry: ScanEntry | undefined;
      if (stored) {
        const obj = bucket?.get(key);
        if (obj) entry = { key, generated: false, selectable: obj, object: () => obj };
        i++;
      } else if (gen) {
        const at = j++;
        let obj: KubeObject | undefined;
        const object = () => {
          obj ??= gen.objectAt(at);
          return obj;
        };
        entry = { key, generated: true, selectable: gen.selectableAt?.(at) ?? object(), object };
      }
      if (entry && !visit(entry)) return;
    }
  }

  /** How many objects `scan` would visit from `from` (paging's remainingItemCount). */
  countFrom(resource: string, namespace: string | undefined, from: string): number {
    const keys = this.keysOf(resource);
    const gen = this.generated.get(resource);
    const prefix = namespace ? `${namespace}/` : '';
    const start = from > prefix ? from : prefix;
    // Names never contain '/', so '0' (the next character) bounds a namespace's keys.
    const end = namespace ? `${namespace}0` : undefined;
    const count = (size: number, keyAt: (i: number) => string) =>
      (end === undefined ? size : lowerBound(size, keyAt, end)) - lowerBound(size, keyAt, start);
    return count(keys.length, (k) => keys[k] as string) + (gen ? count(gen.size, (k) => gen.keyAt(k)) : 0);
  }

  private keysOf(resource: string): string[] {
    let keys = this.sortedKeys.get(resource);
    if (!keys) {
      keys = [...(this.buckets.get(resource)?.keys() ?? [])].sort();
      this.sortedKeys.set(resource, keys);
    }
    return keys;
  }

  /** Objects in key order (etcd order), optionally restricted to a namespace. */
  list<T extends KubeObject = KubeObject>(resource: string, namespace?: string): { key: string; obj: T }[] {
    const bucket = this.buckets.get(resource);
    if (!bucket) return [];
    return [...bucket.entries()]
      .filter(([, o]) => !namespace || o.metadata.namespace === namespace)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, obj]) => ({ key, obj: clone(obj) as T }));
  }

  /** Read-only view of the stored objects without copying; callers must not mutate them. */
  peek<T extends KubeObject = KubeObject>(resource: string, namespace?: string): readonly T[] {
    const bucket = this.buckets.get(resource);
    if (!bucket) return [];
    const all = [...bucket.values()] as T[];
    return namespace ? all.filter((o) => o.metadata.namespace === namespace) : all;
  }

  create<T extends KubeObject>(resource: string, input: T): T {
    const obj = clone(input);
    const meta = obj.metadata;
    meta.uid ??= this.rng.uid();
    meta.creationTimestamp ??= kubeTime(this.clock.now());
    if (this.generationResources.has(resource)) meta.generation ??= 1;
    meta.resourceVersion = String(++this.counter);
    this.bucket(resource).set(ObjectStore.key(meta.namespace, meta.name), obj);
    this.sortedKeys.delete(resource);
    this.emit({ rv: this.counter, resource, type: 'ADDED', object: obj });
    return clone(obj);
  }

  /** Replaces an existing object; a no-op write keeps the resourceVersion, as the API server does. */
  update<T extends KubeObject>(resource: string, input: T): T {
    return clone(this.replace(resource, clone(input)));
  }

  /**
   * Stores `obj` (which the store now owns) in place of the current object. Stored objects are never
   * mutated afterwards, so watch history and `peek` can share them.
   */
  private replace<T extends KubeObject>(resource: string, obj: T): T {
    const key = ObjectStore.key(obj.metadata.namespace, obj.metadata.name);
    const current = this.bucket(resource).get(key);
    if (!current) throw new Error(`update of missing ${resource} ${key}`);
    obj.metadata.uid = current.metadata.uid;
    obj.metadata.creationTimestamp = current.metadata.creationTimestamp;
    obj.metadata.resourceVersion = current.metadata.resourceVersion;
    obj.metadata.generation = current.metadata.generation;
    if (this.generationResources.has(resource) && JSON.stringify(obj.spec) !== JSON.stringify(current.spec)) {
      obj.metadata.generation = (current.metadata.generation ?? 0) + 1;
    }
    if (JSON.stringify(obj) === JSON.stringify(current)) return current as T;
    obj.metadata.resourceVersion = String(++this.counter);
    this.bucket(resource).set(key, obj);
    this.emit({ rv: this.counter, resource, type: 'MODIFIED', object: obj, previous: current });
    return obj;
  }

  /**
   * Read-modify-write helper for controllers; returns the stored result (read-only: never mutate it),
   * or undefined when the object is gone.
   */
  mutate<T extends KubeObject>(
    resource: string,
    namespace: string | undefined,
    name: string,
    fn: (obj: T) => void,
  ): Readonly<T> | undefined {
    const obj = this.get<T>(resource, namespace, name);
    if (!obj) return undefined;
    fn(obj);
    return this.replace(resource, obj);
  }

  delete(resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const key = ObjectStore.key(namespace, name);
    const current = this.bucket(resource).get(key);
    if (!current) return undefined;
    this.bucket(resource).delete(key);
    this.sortedKeys.delete(resource);
    const gone = clone(current);
    gone.metadata.resourceVersion = String(++this.counter);
    this.emit({ rv: this.counter, resource, type: 'DELETED', object: gone, previous: current });
    return clone(gone);
  }

  subscribe(fn: (e: StoreEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Events after `rv`, or 'expired' when they are no longer retained (watch → 410). */
  eventsSince(rv: number): StoreEvent[] | 'expired' {
    this.maybeCompact();
    if (rv < this.historyFloor || rv < this.compactedRv) return 'expired';
    return this.history.filter((e) => e.rv > rv);
  }

  /** The oldest resourceVersion a watch may still start from. */
  get oldestWatchable(): number {
    return Math.max(this.historyFloor, this.compactedRv);
  }

  /** Like the API server's periodic etcd compaction (every 5 min): older list snapshots expire. */
  isCompacted(rv: number): boolean {
    this.maybeCompact();
    return rv < this.compactedRv;
  }

  compactNow(): void {
    this.counter += 1;
    this.compactedRv = this.counter;
    this.compactionMark = this.counter;
    this.lastCompactionAt = this.clock.now();
    this.trimHistory();
  }

  /** Called when the store is wiped (open watches end, as after an etcd restore). */
  onClear(fn: () => void): () => void {
    this.clearListeners.add(fn);
    return () => this.clearListeners.delete(fn);
  }

  /** Empties every bucket (used by reset); resourceVersions keep increasing. */
  clear(): void {
    for (const fn of [...this.clearListeners]) fn();
    this.buckets.clear();
    this.sortedKeys.clear();
    this.generated.clear();
    this.history = [];
    this.historyFloor = this.counter;
    this.compactedRv = this.counter;
  }

  private maybeCompact(): void {
    const elapsed = this.clock.now() - this.lastCompactionAt;
    if (elapsed < COMPACTION_MS) return;
    // A real cluster never stands still (node leases renew every 10 s): time passing means revisions pass.
    this.counter += 1;
    this.compactedRv = elapsed >= 2 * COMPACTION_MS ? this.counter : this.compactionMark;
    this.compactionMark = this.counter;
    this.lastCompactionAt = this.clock.now();
    this.trimHistory();
  }

  private trimHistory(): void {
    const keep = this.history.filter((e) => e.rv > this.compactedRv);
    if (keep.length !== this.history.length) {
      this.history = keep;
      this.historyFloor = Math.max(this.historyFloor, this.compactedRv);
    }
  }

  private bucket(resource: string): Map<string, KubeObject> {
    let b = this.buckets.get(resource);
    if (!b) {
      b = new Map();
      this.buckets.set(resource, b);
    }
    return b;
  }

  private emit(e: StoreEvent): void {
    this.history.push(e);
    if (this.history.length > HISTORY_LIMIT) {
      const dropped = this.history.splice(0, this.history.length - HISTORY_LIMIT);
      this.historyFloor = dropped[dropped.length - 1]?.rv ?? this.historyFloor;
    }
    for (const fn of this.listeners) fn(e);
  }
}
