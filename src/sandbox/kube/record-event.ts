import type { Clock } from '../shared/clock.js';
import type { ObjectStore } from './object-store.js';
import type { Rng } from './random.js';
import { type EventObject, type KubeObject, kubeTime } from './types.js';

export interface EventSource {
  component: string;
  host?: string;
}

const EVENT_TTL_MS = 60 * 60_000;
const MAX_EVENTS = 2_000;

/**
 * Records a core/v1 Event, aggregating repeats of the same reason and message on the same object
 * (count++ and lastTimestamp), as client-go's event correlator does.
 */
export function recordEvent(
  store: ObjectStore,
  clock: Clock,
  rng: Rng,
  involved: KubeObject,
  type: 'Normal' | 'Warning',
  reason: string,
  message: string,
  source: EventSource,
  fieldPath?: string,
): void {
  const now = kubeTime(clock.now());
  const ns = involved.metadata.namespace ?? 'default';
  const existing = store
    .peek<EventObject>('events', ns)
    .find(
      (e) =>
        e.involvedObject.uid === involved.metadata.uid &&
        e.reason === reason &&
        e.message === message &&
        e.type === type,
    );
  if (existing) {
    store.mutate<EventObject>('events', ns, existing.metadata.name, (e) => {
      e.count += 1;
      e.lastTimestamp = now;
    });
    return;
  }
  const event: EventObject = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${involved.metadata.name}.${rng.hex(16)}`, namespace: ns },
    involvedObject: {
      kind: involved.kind,
      ...(involved.metadata.namespace ? { namespace: involved.metadata.namespace } : {}),
      name: involved.metadata.name,
      ...(involved.metadata.uid ? { uid: involved.metadata.uid } : {}),
      apiVersion: involved.apiVersion,
      ...(involved.metadata.resourceVersion ? { resourceVersion: involved.metadata.resourceVersion } : {}),
      ...(fieldPath ? { fieldPath } : {}),
    },
    reason,
    message,
    source: { component: source.component, ...(source.host ? { host: source.host } : {}) },
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
    type,
    eventTime: null,
    reportingComponent: source.component,
    reportingInstance: source.host ?? '',
  };
  store.create('events', event);
}

/** Drops events past their 1 h TTL and keeps the total bounded. */
export function pruneEvents(store: ObjectStore, clock: Clock): void {
  const cutoff = clock.now() - EVENT_TTL_MS;
  const all = store.peek<EventObject>('events');
  const excess = all.length - MAX_EVENTS;
  const doomed = [...all]
    .sort((a, b) => Date.parse(a.lastTimestamp) - Date.parse(b.lastTimestamp))
    .filter((e, i) => i < excess || Date.parse(e.lastTimestamp) < cutoff)
    .map((e) => [e.metadata.namespace, e.metadata.name] as const);
  for (const [ns, name] of doomed) store.delete('events', ns, name);
}
