# Everything this module grants is derived from the opsbot inventory, the same file the bot reads.
locals {
  inventory = yamldecode(file(var.inventory_file))
  clusters  = { for c in local.inventory.clusters : c.id => c }

  home_cluster_id = one([for c in local.inventory.clusters : c.id if c.role == "control-plane"])

  # Namespaces the bot acts in, per cluster: those of the inventory's deployments there.
  namespaces = {
    for id, _ in local.clusters :
    id => sort(distinct([for d in local.inventory.deployments : d.namespace if d.cluster == id]))
  }

  # The Secret whose write time tells when keys last rotated (rotation.secret), in the cluster of the rotator.
  rotation_secrets = {
    for id, _ in local.clusters : id => [
      for d in local.inventory.deployments : local.inventory.rotation.secret
      if try(local.inventory.rotation.deployment, null) == d.target && d.cluster == id
    ]
  }

  # Secrets whose expiry annotation /diagnose reads (credentials[] of kind secret-annotation), per cluster.
  credential_secrets = {
    for id, _ in local.clusters : id => [
      for c in try(local.inventory.credentials, []) : { namespace = c.namespace, name = c.name }
      if c.kind == "secret-annotation" && c.cluster == id
    ]
  }

  # ECR repositories image sync mirrors into (images[].mirror).
  mirrors = [for i in try(local.inventory.images, []) : i.mirror if try(i.mirror, null) != null]
  mirror_repository_arns = sort(distinct([
    for m in local.mirrors : format(
      "arn:%s:ecr:%s:%s:repository/%s",
      data.aws_partition.current.partition,
      m.region,
      regex("^([0-9]{12})\\.dkr\\.ecr\\.", m.registry)[0],
      m.repository,
    )
  ]))
}

data "aws_partition" "current" {}

# Providers cannot be created per inventory entry, so the three clusters are spelled out below;
# this check fails the plan if the inventory and this module disagree about them.
check "inventory_clusters" {
  assert {
    condition     = toset(keys(local.clusters)) == toset(["us-east-2", "us-west-2", "eu-west-2"])
    error_message = "infra/terraform expects exactly the clusters us-east-2 (control plane), us-west-2 and eu-west-2; adjust providers.tf and clusters.tf to the inventory."
  }
  assert {
    condition     = length(local.mirror_repository_arns) > 0
    error_message = "The inventory mirrors no image (images[].mirror): drop the ECR statements from iam.tf."
  }
  assert {
    condition     = local.home_cluster_id == "us-east-2"
    error_message = "The inventory's control-plane cluster must be us-east-2 (see providers.tf)."
  }
}
