import { describe, expect, it } from 'vitest';
import { describeRefusal } from '../../src/adapters/aws/eks-cluster-access.js';
import type { Cluster } from '../../src/inventory/schema.js';

const cluster = { id: 'us-west-2', eksName: 'ai-coder-oregon', region: 'us-west-2' } as Cluster;

describe('EKS DescribeCluster refusals', () => {
  it('a cluster that does not exist is an inventory mistake, not a missing IAM permission', () => {
    const text = describeRefusal(cluster, 'ResourceNotFoundException').message;
    expect(text).toBe(
      'EKS has no cluster named `ai-coder-oregon` in us-west-2 (ResourceNotFoundException). Check `eksName` and `region` of cluster us-west-2 in the inventory.',
    );
    expect(text).not.toContain('IAM');
  });

  it('names the IAM permission only when access was denied, and the credentials when AWS did not know them', () => {
    expect(describeRefusal(cluster, 'AccessDeniedException').message).toContain('needs eks:DescribeCluster');
    expect(describeRefusal(cluster, 'UnrecognizedClientException').message).toContain(
      'did not accept opsbot’s credentials'.replace('’', "'"),
    );
  });
});
