import { capacityHeadroomCheck } from './capacity-headroom-check.js';
import type { Check } from './check.js';
import { coderHealthCheck } from './coder-health-check.js';
import { crashLoopCheck } from './crash-loop-check.js';
import { credentialsExpiryCheck } from './credentials-expiry-check.js';
import { dnsRecordsCheck } from './dns-records-check.js';
import { evictedPodsCheck } from './evicted-pods-check.js';
import { imageDigestCheck } from './image-digest-check.js';
import { imageMirrorCheck } from './image-mirror-check.js';
import { imagePullCheck } from './image-pull-check.js';
import { karpenterCheck } from './karpenter-check.js';
import { keyRotationCheck } from './key-rotation-check.js';
import { litellmCheck } from './litellm-check.js';
import { nodePressureCheck } from './node-pressure-check.js';
import { nodeStorageCheck } from './node-storage-check.js';
import { pendingPodsCheck } from './pending-pods-check.js';
import { provisionerQueueCheck } from './provisioner-queue-check.js';
import { tlsExpiryCheck } from './tls-expiry-check.js';

/** Every check, in the order a summary lists them (runbook order: restarts, capacity, routing, LiteLLM, DNS). */
export const ALL_CHECKS: readonly Check[] = [
  nodeStorageCheck,
  nodePressureCheck,
  evictedPodsCheck,
  crashLoopCheck,
  imagePullCheck,
  pendingPodsCheck,
  capacityHeadroomCheck,
  karpenterCheck,
  provisionerQueueCheck,
  coderHealthCheck,
  imageDigestCheck,
  imageMirrorCheck,
  tlsExpiryCheck,
  litellmCheck,
  keyRotationCheck,
  credentialsExpiryCheck,
  dnsRecordsCheck,
];
