import type { ClusterSim } from './cluster-sim.js';
import { conditionsOf, isReady, repositoryOf, setCondition, setReadiness } from './pod-state.js';
import { schedulePod } from './scheduler.js';
import type { ContainerStatus, NodeObject, Pod } from './types.js';

export type Work = 'fast' | 'slow' | 'idle';

function kubelet(pod: Pod, fieldPath?: string) {
  return { component: 'kubelet', host: pod.spec.nodeName ?? '', ...(fieldPath ? { fieldPath } : {}) };
}

function save(sim: ClusterSim, pod: Pod): void {
  sim.store.update('pods', pod);
}

function schedule(sim: ClusterSim, pod: Pod): Work {
  const nodes = sim.store.peek<NodeObject>('nodes');
  const result = schedulePod(pod, [...nodes], [...sim.store.peek<Pod>('pods')]);
  const now = sim.now();
  const conds = conditionsOf(pod);
  if ('message' in result) {
    setCondition(conds, 'PodScheduled', 'False', now, 'Unschedulable', result.message);
    save(sim, pod);
    sim.event(pod, 'Warning', 'FailedScheduling', result.message, { component: 'default-scheduler' });
    return 'slow';
  }
  const node = result.node;
  const hostIP = node.status.addresses.find((a) => a.type === 'InternalIP')?.address ?? '10.0.0.1';
  pod.spec.nodeName = node.metadata.name;
  setCondition(conds, 'PodScheduled', 'True', now);
  setCondition(conds, 'PodReadyToStartContainers', 'False', now);
  setCondition(conds, 'Initialized', 'True', now);
  setReadiness(pod, false, now);
  pod.status.hostIP = hostIP;
  pod.status.hostIPs = [{ ip: hostIP }];
  pod.status.startTime = now;
  pod.status.containerStatuses = pod.spec.containers.map(
    (c): ContainerStatus => ({
      name: c.name,
      image: c.image,
      imageID: '',
      ready: false,
      started: false,
      restartCount: 0,
      state: { waiting: { reason: 'ContainerCreating' } },
      lastState: {},
    }),
  );
  save(sim, pod);
  sim.event(
    pod,
    'Normal',
    'Scheduled',
    `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${node.metadata.name}`,
    {
      component: 'default-scheduler',
    },
  );
  return 'fast';
}

function failPull(sim: ClusterSim, pod: Pod, cs: ContainerStatus): void {
  const fp = `spec.containers{${cs.name}}`;
  if (cs.state.waiting?.reason === 'ErrImagePull') {
    cs.state = { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${cs.image}"` } };
    sim.event(pod, 'Normal', 'BackOff', `Back-off pulling image "${cs.image}"`, kubelet(pod, fp));
    sim.event(pod, 'Warning', 'Failed', 'Error: ImagePullBackOff', kubelet(pod, fp));
    return;
  }
  const why = `rpc error: code = NotFound desc = failed to pull and unpack image "${cs.image}": failed to resolve reference "${cs.image}": ${cs.image}: not found`;
  cs.state = { waiting: { reason: 'ErrImagePull', message: why } };
  sim.event(pod, 'Normal', 'Pulling', `Pulling image "${cs.image}"`, kubelet(pod, fp));
  sim.event(pod, 'Warning', 'Failed', `Failed to pull image "${cs.image}": ${why}`, kubelet(pod, fp));
  sim.event(pod, 'Warning', 'Failed', 'Error: ErrImagePull', kubelet(pod, fp));
}

/** An exec readiness probe that keeps failing: the pod runs but is never Ready, and the kubelet quotes the probe's output. */
function failReadiness(sim: ClusterSim, pod: Pod, output: string): Work {
  if (isReady(pod)) {
    setReadiness(pod, false, sim.now());
    save(sim, pod);
  }
  const fp = `spec.containers{${pod.spec.containers[0]?.name ?? ''}}`;
  sim.event(pod, 'Warning', 'Unhealthy', `Readiness probe failed: ${output}`, kubelet(pod, fp));
  return 'slow';
}

function startContainers(sim: ClusterSim, pod: Pod, pulled: boolean): void {
  const now = sim.now();
  for (const cs of pod.status.containerStatuses ?? []) {
    const fp = `spec.containers{${cs.name}}`;
    if (pulled) {
      sim.event(pod, 'Normal', 'Pulling', `Pulling image "${cs.image}"`, kubelet(pod, fp));
      const secs = (1 + sim.rng.next() * 4).toFixed(3);
      sim.event(
        pod,
        'Normal',
        'Pulled',
        `Successfully pulled image "${cs.image}" in ${secs}s (${secs}s including waiting). Image size: ${180_000_000 + sim.rng.int(90_000_000)} bytes.`,
        kubelet(pod, fp),
      );
    } else {
      sim.event(
        pod,
        'Normal',
        'Pulled',
        `Container image "${cs.image}" already present on machine`,
        kubelet(pod, fp),
      );
    }
    sim.event(pod, 'Normal', 'Created', `Created container: ${cs.name}`, kubelet(pod, fp));
    sim.event(pod, 'Normal', 'Started', `Started container ${cs.name}`, kubelet(pod, fp));
    cs.imageID = `${repositoryOf(cs.image)}@${sim.digestFor(cs.image)}`;
    cs.containerID = `containerd://${sim.rng.hex(64)}`;
    cs.state = { running: { startedAt: now } };
    cs.started = true;
    cs.ready = false;
  }
  pod.status.phase = 'Running';
  if (!pod.status.podIP) {
    const host = (pod.status.hostIP ?? '10.0.0.1').split('.');
    const ip = `${host[0]}.${host[1]}.${host[2]}.${1 + sim.rng.int(253)}`;
    pod.status.podIP = ip;
    pod.status.podIPs = [{ ip }];
  }
  setCondition(conditionsOf(pod), 'PodReadyToStartContainers', 'True', now);
}

/** Seconds as Go's time.Duration prints them (`40s`, `2m40s`, `5m0s`), as the kubelet's messages do. */
function goDuration(seconds: number): string {
  const m = Math.floor(seconds / 60);
  return m ? `${m}m${seconds % 60}s` : `${seconds}s`;
}

function crash(sim: ClusterSim, pod: Pod, oom: boolean): void {
  const now = sim.now();
  for (const cs of pod.status.containerStatuses ?? []) {
    const startedAt = cs.state.running?.startedAt ?? now;
    cs.restartCount += 1;
    cs.lastState = {
      terminated: {
        exitCode: oom ? 137 : 1,
        reason: oom ? 'OOMKilled' : 'Error',
        startedAt,
        finishedAt: now,
        ...(cs.containerID ? { containerID: cs.containerID } : {}),
      },
    };
    const backoff = Math.min(10 * 2 ** (cs.restartCount - 1), 300);
    const who = `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
    cs.state = {
      waiting: {
        reason: 'CrashLoopBackOff',
        message: `back-off ${goDuration(backoff)} restarting failed container=${cs.name} pod=${who}`,
      },
    };
    cs.started = false;
    sim.event(
      pod,
      'Warning',
      'BackOff',
      `Back-off restarting failed container ${cs.name} in pod ${who}`,
      kubelet(pod, `spec.containers{${cs.name}}`),
    );
    sim.podAux.set(pod.metadata.uid ?? '', { wait: Math.min(2 ** (cs.restartCount - 1), 8) });
  }
  setReadiness(pod, false, now);
}

/** Advances one pod by one kubelet/scheduler step; reports whether more steps are pending. */
export function stepPod(sim: ClusterSim, pod: Pod): Work {
  if (pod.metadata.deletionTimestamp) {
    sim.store.delete('pods', pod.metadata.namespace, pod.metadata.name);
    sim.podAux.delete(pod.metadata.uid ?? '');
    return 'idle';
  }
  if (pod.status.phase === 'Failed' || pod.status.phase === 'Succeeded') return 'idle';
  if (!pod.spec.nodeName) return schedule(sim, pod);
  const owner = sim.deploymentKeyOf(pod);
  const statuses = pod.status.containerStatuses ?? [];
  const waiting = statuses.find((cs) => cs.state.waiting)?.state.waiting?.reason;
  if (waiting === 'ContainerCreating' || waiting === 'ErrImagePull' || waiting === 'ImagePullBackOff') {
    if (owner && sim.imagePullFailing.has(owner)) for (const cs of statuses) failPull(sim, pod, cs);
    else startContainers(sim, pod, true);
    save(sim, pod);
    return 'fast';
  }
  if (waiting === 'CrashLoopBackOff') {
    const aux = sim.podAux.get(pod.metadata.uid ?? '') ?? { wait: 0 };
    aux.wait -= 1;
    sim.podAux.set(pod.metadata.uid ?? '', aux);
    if (aux.wait > 0) return 'fast';
    startContainers(sim, pod, false);
    save(sim, pod);
    return 'fast';
  }
  if (owner && sim.crashLooping.has(owner)) {
    crash(sim, pod, sim.oomKilled.has(owner));
    save(sim, pod);
    return 'fast';
  }
  const probeOutput = owner ? sim.readinessFailing.get(owner) : undefined;
  if (probeOutput !== undefined) return failReadiness(sim, pod, probeOutput);
  if (!isReady(pod)) {
    setReadiness(pod, true, sim.now());
    save(sim, pod);
  }
  return 'idle';
}
