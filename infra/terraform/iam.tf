# The bot's IAM role. Only the worker's ServiceAccount in the control-plane cluster can assume it;
# web and scheduler pods run without AWS credentials.

data "aws_iam_policy_document" "trust_pod_identity" {
  statement {
    sid     = "EksPodIdentity"
    effect  = "Allow"
    actions = ["sts:AssumeRole", "sts:TagSession"]

    principals {
      type        = "Service"
      identifiers = ["pods.eks.amazonaws.com"]
    }

    # Session tags set by EKS Pod Identity: this cluster, this namespace, this ServiceAccount only.
    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/eks-cluster-arn"
      values   = [data.aws_eks_cluster.us_east_2.arn]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/kubernetes-namespace"
      values   = [var.bot_namespace]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/kubernetes-service-account"
      values   = [var.bot_service_account]
    }
  }
}

data "aws_iam_policy_document" "trust_irsa" {
  count = var.identity == "irsa" ? 1 : 0

  statement {
    sid     = "Irsa"
    effect  = "Allow"
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [var.irsa_oidc_provider_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_issuer}:sub"
      values   = ["system:serviceaccount:${var.bot_namespace}:${var.bot_service_account}"]
    }
    condition {
      test     = "StringEquals"
      variable = "${local.oidc_issuer}:aud"
      values   = ["sts.amazonaws.com"]
    }
  }
}

locals {
  oidc_issuer = trimprefix(data.aws_eks_cluster.us_east_2.identity[0].oidc[0].issuer, "https://")
}

# Least privilege: each statement names the commands that need it (docs/DEPLOYING.md has the table).
data "aws_iam_policy_document" "opsbot" {
  # Every command that reads a cluster (/ops status, /scale, /diagnose, /rotation, /workshop):
  # the API endpoint and CA of each inventory cluster, before minting an EKS token for it.
  # Minting the token itself (a presigned sts:GetCallerIdentity) needs no permission.
  statement {
    sid     = "DescribeInventoryClusters"
    effect  = "Allow"
    actions = ["eks:DescribeCluster"]
    resources = [
      data.aws_eks_cluster.us_east_2.arn,
      data.aws_eks_cluster.us_west_2.arn,
      data.aws_eks_cluster.eu_west_2.arn,
    ]
  }

  # /images status|sync: log in to the registry. This action has no resource-level permissions.
  statement {
    sid       = "EcrLogin"
    effect    = "Allow"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  # /images status|sync: whether a mirror is an ECR pull-through cache (filled by pulls, not synced).
  # A registry-level read: this action has no resource-level permissions either.
  statement {
    sid       = "EcrPullThroughRules"
    effect    = "Allow"
    actions   = ["ecr:DescribePullThroughCacheRules"]
    resources = ["*"]
  }

  # /images status: the mirror's digest next to GHCR's; /images sync: what the mirror already has.
  statement {
    sid    = "EcrReadMirrors"
    effect = "Allow"
    actions = [
      "ecr:DescribeImages",
      "ecr:BatchGetImage",
      "ecr:GetDownloadUrlForLayer",
      "ecr:BatchCheckLayerAvailability",
    ]
    resources = local.mirror_repository_arns
  }

  # /images sync: copy GHCR's blobs and manifests into the mirrored repositories, and nowhere else.
  statement {
    sid    = "EcrWriteMirrors"
    effect = "Allow"
    actions = [
      "ecr:InitiateLayerUpload",
      "ecr:UploadLayerPart",
      "ecr:CompleteLayerUpload",
      "ecr:PutImage",
    ]
    resources = local.mirror_repository_arns
  }
}

resource "aws_iam_role" "opsbot" {
  name                 = var.name
  description          = "opsbot worker (Slack ChatOps for ${local.inventory.name})"
  assume_role_policy   = var.identity == "irsa" ? data.aws_iam_policy_document.trust_irsa[0].json : data.aws_iam_policy_document.trust_pod_identity.json
  max_session_duration = 3600
  tags                 = var.tags

  lifecycle {
    precondition {
      condition     = var.identity != "irsa" || var.irsa_oidc_provider_arn != null
      error_message = "identity = irsa needs irsa_oidc_provider_arn."
    }
  }
}

resource "aws_iam_role_policy" "opsbot" {
  name   = var.name
  role   = aws_iam_role.opsbot.id
  policy = data.aws_iam_policy_document.opsbot.json
}

# EKS Pod Identity: binds the role to the worker's ServiceAccount (needs the eks-pod-identity-agent add-on).
resource "aws_eks_pod_identity_association" "opsbot" {
  count           = var.identity == "pod-identity" ? 1 : 0
  provider        = aws.us_east_2
  cluster_name    = data.aws_eks_cluster.us_east_2.name
  namespace       = var.bot_namespace
  service_account = var.bot_service_account
  role_arn        = aws_iam_role.opsbot.arn
  tags            = var.tags
}
