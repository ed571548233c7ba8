import { z } from 'zod';
import { type AwsCall, epochSeconds, sendAwsJson } from './aws-context.js';
import { AwsError } from './aws-errors.js';
import {
  ecrRegion,
  JSON_CONTENT_TYPE,
  MaxResults,
  matching,
  NextToken,
  paginate,
  parseEcrInput,
  RegistryId,
} from './ecr-input.js';
import type { PullThroughRule } from './pull-through-cache.js';

/** ECR's pattern for a rule's repository prefix (2–30 characters; `ROOT` for the whole registry). */
const PREFIX_PATTERN = '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*/?|ROOT';

const DescribePullThroughCacheRulesInput = z.object({
  registryId: RegistryId.optional(),
  ecrRepositoryPrefixes: z
    .array(matching(z.string().min(2).max(30), PREFIX_PATTERN))
    .min(1)
    .max(100)
    .optional(),
  nextToken: NextToken.optional(),
  maxResults: MaxResults.optional(),
});

function ruleShape(call: AwsCall, rule: PullThroughRule): Record<string, unknown> {
  return {
    ecrRepositoryPrefix: rule.ecrRepositoryPrefix,
    upstreamRegistryUrl: rule.upstreamRegistryUrl,
    createdAt: epochSeconds(rule.createdAt),
    registryId: call.opts.accountId,
    ...(rule.credentialArn ? { credentialArn: rule.credentialArn } : {}),
    ...(rule.upstreamRepositoryPrefix ? { upstreamRepositoryPrefix: rule.upstreamRepositoryPrefix } : {}),
    upstreamRegistry: rule.upstreamRegistry,
    updatedAt: epochSeconds(rule.updatedAt),
  };
}

/**
 * DescribePullThroughCacheRules: every rule of the registry in the signing region (paged, 100 by default),
 * or the ones named by prefix; a named prefix without a rule is PullThroughCacheRuleNotFoundException.
 */
export function describePullThroughCacheRules(call: AwsCall, body: unknown): void {
  const input = parseEcrInput(DescribePullThroughCacheRulesInput, body);
  const registry = input.registryId ?? call.opts.accountId;
  const here = registry === call.opts.accountId && call.region === ecrRegion(call);
  const all = here ? [...(call.opts.ecr.pullThrough?.list() ?? [])] : [];
  let rules = all;
  if (input.ecrRepositoryPrefixes) {
    rules = input.ecrRepositoryPrefixes.map((asked) => {
      const prefix = asked.replace(/\/$/, '');
      const rule = all.find((r) => r.ecrRepositoryPrefix === prefix);
      if (!rule)
        throw new AwsError(
          400,
          'PullThroughCacheRuleNotFoundException',
          `The pull through cache rule with prefix '${prefix}' does not exist in the registry with id '${registry}'`,
        );
      return rule;
    });
  }
  const { page, nextToken } = paginate(rules, input.nextToken, input.maxResults, 100);
  sendAwsJson(
    call,
    { pullThroughCacheRules: page.map((r) => ruleShape(call, r)), ...(nextToken ? { nextToken } : {}) },
    JSON_CONTENT_TYPE,
  );
}
