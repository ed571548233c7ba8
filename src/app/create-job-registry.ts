import { publishHomeJob } from '../home/publish-home-job.js';
import { alertActionJob } from '../jobs/alerts/alert-action-job.js';
import { alertsDeliverJob } from '../jobs/alerts/alerts-deliver-job.js';
import { alertsEvaluateJob } from '../jobs/alerts/alerts-evaluate-job.js';
import { alertsListJob } from '../jobs/alerts/alerts-list-job.js';
import { diagnoseFixJob } from '../jobs/diagnose/diagnose-fix-job.js';
import { diagnoseJob } from '../jobs/diagnose/diagnose-job.js';
import { dnsListJob } from '../jobs/dns/dns-list-job.js';
import { dnsRollbackJob } from '../jobs/dns/dns-rollback-job.js';
import { dnsSyncJob } from '../jobs/dns/dns-sync-job.js';
import { dnsVerifyJob } from '../jobs/dns/dns-verify-job.js';
import { imagesStatusJob } from '../jobs/images/images-status-job.js';
import type { JobDeps } from '../jobs/job-deps.js';
import { opsAuditJob } from '../jobs/ops/ops-audit-job.js';
import { opsDigestJob } from '../jobs/ops/ops-digest-job.js';
import { opsJobJob, opsJobsJob } from '../jobs/ops/ops-jobs-job.js';
import { opsPlanJob } from '../jobs/ops/ops-plan-job.js';
import { opsStatusJob } from '../jobs/ops/ops-status-job.js';
import { planDecideJob } from '../jobs/plan-decide-job.js';
import { rotationActionJob } from '../jobs/rotation/rotation-action-job.js';
import { rotationRemindJob } from '../jobs/rotation/rotation-remind-job.js';
import { rotationResumeJob } from '../jobs/rotation/rotation-resume-job.js';
import { rotationStatusJob } from '../jobs/rotation/rotation-status-job.js';
import { scaleRecommendJob } from '../jobs/scale/scale-recommend-job.js';
import { workshopActionJob } from '../jobs/workshop/workshop-action-job.js';
import { workshopPrepJob } from '../jobs/workshop/workshop-prep-job.js';
import { workshopSampleJob } from '../jobs/workshop/workshop-sample-job.js';
import { workshopStepJob } from '../jobs/workshop/workshop-step-job.js';
import { planJobs } from '../plans/plan-jobs.js';
import { type AnyJobDefinition, createJobRegistry } from '../queue/define-job.js';

/** Every job kind the workers run; the web role uses it to validate payloads before enqueueing. */
export function createOpsbotJobs() {
  return createJobRegistry<JobDeps>([
    ...(planJobs as AnyJobDefinition<JobDeps>[]),
    planDecideJob as AnyJobDefinition<JobDeps>,
    opsStatusJob as AnyJobDefinition<JobDeps>,
    opsAuditJob as AnyJobDefinition<JobDeps>,
    opsDigestJob as AnyJobDefinition<JobDeps>,
    opsJobsJob as AnyJobDefinition<JobDeps>,
    opsJobJob as AnyJobDefinition<JobDeps>,
    opsPlanJob as AnyJobDefinition<JobDeps>,
    ...([dnsListJob, dnsVerifyJob, dnsSyncJob, dnsRollbackJob] as AnyJobDefinition<JobDeps>[]),
    scaleRecommendJob as AnyJobDefinition<JobDeps>,
    rotationStatusJob as AnyJobDefinition<JobDeps>,
    rotationResumeJob as AnyJobDefinition<JobDeps>,
    rotationActionJob as AnyJobDefinition<JobDeps>,
    rotationRemindJob as AnyJobDefinition<JobDeps>,
    publishHomeJob as AnyJobDefinition<JobDeps>,
    diagnoseJob as AnyJobDefinition<JobDeps>,
    diagnoseFixJob as AnyJobDefinition<JobDeps>,
    imagesStatusJob as AnyJobDefinition<JobDeps>,
    ...([alertsEvaluateJob, alertsDeliverJob, alertActionJob, alertsListJob] as AnyJobDefinition<JobDeps>[]),
    ...([
      workshopPrepJob,
      workshopActionJob,
      workshopStepJob,
      workshopSampleJob,
    ] as AnyJobDefinition<JobDeps>[]),
  ]);
}
