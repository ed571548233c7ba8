output "role_arn" {
  description = "The bot's IAM role (Helm aws.roleArn when aws.identity=irsa)."
  value       = aws_iam_role.opsbot.arn
}

output "kubernetes_group" {
  description = "The group the access entries map the role to (Helm rbac.group)."
  value       = var.kubernetes_group
}

output "helm_values" {
  description = "Values that must agree between this module and the Helm release."
  value = {
    "aws.identity"           = var.identity
    "aws.roleArn"            = var.identity == "irsa" ? aws_iam_role.opsbot.arn : ""
    "rbac.group"             = var.kubernetes_group
    "serviceAccount.name"    = var.bot_service_account
    "rbac.namespaces"        = local.namespaces[local.home_cluster_id]
    "rbac.rotationSecret"    = try(local.rotation_secrets[local.home_cluster_id][0], null)
    "rbac.credentialSecrets" = local.credential_secrets[local.home_cluster_id]
    "release namespace"      = var.bot_namespace
    "mirrored ECR repos"     = local.mirror_repository_arns
  }
}
