# The bot reaches every cluster, its own included, with EKS tokens for its IAM role. Each access
# entry maps the role to var.kubernetes_group and attaches no EKS access policy, so the RBAC bound
# to that group (Helm chart in the control plane, modules/cluster-rbac in the proxies) is all it gets.
# The clusters' authentication mode must be API or API_AND_CONFIG_MAP.

resource "aws_eks_access_entry" "us_east_2" {
  provider          = aws.us_east_2
  cluster_name      = data.aws_eks_cluster.us_east_2.name
  principal_arn     = aws_iam_role.opsbot.arn
  kubernetes_groups = [var.kubernetes_group]
  type              = "STANDARD"
  tags              = var.tags
}

resource "aws_eks_access_entry" "us_west_2" {
  provider          = aws.us_west_2
  cluster_name      = data.aws_eks_cluster.us_west_2.name
  principal_arn     = aws_iam_role.opsbot.arn
  kubernetes_groups = [var.kubernetes_group]
  type              = "STANDARD"
  tags              = var.tags
}

resource "aws_eks_access_entry" "eu_west_2" {
  provider          = aws.eu_west_2
  cluster_name      = data.aws_eks_cluster.eu_west_2.name
  principal_arn     = aws_iam_role.opsbot.arn
  kubernetes_groups = [var.kubernetes_group]
  type              = "STANDARD"
  tags              = var.tags
}
