/** EC2 instance shapes as an EKS AL2023 kubelet reports them (capacity and allocatable after reservations). */
export interface InstanceType {
  name: string;
  family: string;
  size: string;
  cpu: number;
  allocatableCpu: string;
  memoryKi: number;
  allocatableMemoryKi: number;
  maxPods: number;
}

export const INSTANCE_TYPES: Record<string, InstanceType> = {
  'm6i.2xlarge': {
    name: 'm6i.2xlarge',
    family: 'm6i',
    size: '2xlarge',
    cpu: 8,
    allocatableCpu: '7910m',
    memoryKi: 32_386_540,
    allocatableMemoryKi: 31_369_708,
    maxPods: 58,
  },
  'm6i.4xlarge': {
    name: 'm6i.4xlarge',
    family: 'm6i',
    size: '4xlarge',
    cpu: 16,
    allocatableCpu: '15890m',
    memoryKi: 64_761_000,
    allocatableMemoryKi: 61_761_704,
    maxPods: 234,
  },
};

/** 100 GiB gp3 root volume: capacity in Ki, allocatable in bytes (kubelet prints it that way). */
export const ROOT_VOLUME = { capacityKi: 104_845_292, allocatableBytes: '95551679124' } as const;

export interface NodePlan {
  pool: string;
  instanceType: InstanceType;
  taints?: { key: string; value: string; effect: 'NoSchedule' }[];
}

export const WORKSPACE_TAINT = { key: 'coder.com/workspaces', value: 'true', effect: 'NoSchedule' } as const;

/**
 * Control plane: three general nodes (default scale fits with >30 % headroom, inventory max does not)
 * plus one tainted node for workspaces. Proxy clusters: two smaller general nodes.
 */
export function nodePlan(role: 'control-plane' | 'proxy'): NodePlan[] {
  const big = INSTANCE_TYPES['m6i.4xlarge'] as InstanceType;
  const small = INSTANCE_TYPES['m6i.2xlarge'] as InstanceType;
  if (role === 'proxy') return [0, 1].map(() => ({ pool: 'default', instanceType: small }));
  return [
    ...[0, 1, 2].map(() => ({ pool: 'default', instanceType: big })),
    { pool: 'workspaces', instanceType: big, taints: [{ ...WORKSPACE_TAINT }] },
  ];
}
