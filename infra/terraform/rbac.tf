# The group's RBAC in the two proxy clusters; the Helm chart (rbac.create) does the control plane.

module "rbac_us_west_2" {
  source    = "./modules/cluster-rbac"
  providers = { kubernetes = kubernetes.us_west_2 }

  name               = var.name
  group              = var.kubernetes_group
  namespaces         = local.namespaces["us-west-2"]
  readable_secrets   = local.rotation_secrets["us-west-2"]
  credential_secrets = local.credential_secrets["us-west-2"]
}

module "rbac_eu_west_2" {
  source    = "./modules/cluster-rbac"
  providers = { kubernetes = kubernetes.eu_west_2 }

  name               = var.name
  group              = var.kubernetes_group
  namespaces         = local.namespaces["eu-west-2"]
  readable_secrets   = local.rotation_secrets["eu-west-2"]
  credential_secrets = local.credential_secrets["eu-west-2"]
}
