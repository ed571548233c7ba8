/**
 * Names of the registered change kinds. Command specs plan changes through these, so a misspelt
 * kind fails type-checking instead of failing at apply time.
 */
export const CHANGE_KINDS = {
  dns: 'dns.records',
  scale: 'scale.replicas',
  rotation: 'rotation.pause',
  flag: 'flag.set',
  images: 'images.mirror',
} as const;
export type ChangeKindName = (typeof CHANGE_KINDS)[keyof typeof CHANGE_KINDS];
