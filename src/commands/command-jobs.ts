import { PLAN_REQUEST_JOB } from '../plans/plan-job-names.js';

/**
 * Jobs a slash command can start (mutations all go through `plan.request`). Specs name their job
 * through these, so a misspelt job fails type-checking instead of at enqueue time.
 */
export const COMMAND_JOBS = {
  planRequest: PLAN_REQUEST_JOB,
  opsStatus: 'ops.status',
  opsAudit: 'ops.audit',
  opsJobs: 'ops.jobs',
  opsJob: 'ops.job',
  opsPlan: 'ops.plan',
  dnsList: 'dns.list',
  dnsVerify: 'dns.verify',
  dnsSync: 'dns.sync',
  dnsRollback: 'dns.rollback',
  scaleRecommend: 'scale.recommend',
  rotationStatus: 'rotation.status',
  rotationResume: 'rotation.resume',
  diagnose: 'diagnose.run',
  imagesStatus: 'images.status',
  alertsList: 'alerts.list',
  workshopPrep: 'workshop.prep',
  workshopAction: 'workshop.action',
} as const;
export type CommandJob = (typeof COMMAND_JOBS)[keyof typeof COMMAND_JOBS];
