# The same rules as helm/opsbot/templates/rbac.yaml (test/ship/terraform.test.ts compares them),
# for clusters where the chart is not installed. Each rule names the commands that need it.

resource "kubernetes_cluster_role_v1" "opsbot" {
  metadata {
    name = var.name
  }

  # /diagnose capacity, /workshop prep: node allocatable CPU/memory and Karpenter-made nodes.
  rule {
    api_groups = [""]
    resources  = ["nodes"]
    verbs      = ["get", "list"]
  }

  # /diagnose restarts|capacity, /workshop prep: kubelet stats/summary (ephemeral storage per node).
  rule {
    api_groups = [""]
    resources  = ["nodes/proxy"]
    verbs      = ["get"]
  }

  # /diagnose capacity, /workshop prep: what the pods on those nodes request.
  rule {
    api_groups = [""]
    resources  = ["pods"]
    verbs      = ["list"]
  }

  # /diagnose capacity, /workshop prep: Karpenter NodePool limits and NodeClaims in flight.
  rule {
    api_groups = ["karpenter.sh"]
    resources  = ["nodepools", "nodeclaims"]
    verbs      = ["get", "list"]
  }
}

resource "kubernetes_cluster_role_binding_v1" "opsbot" {
  metadata {
    name = var.name
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = kubernetes_cluster_role_v1.opsbot.metadata[0].name
  }
  subject {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Group"
    name      = var.group
  }
}

resource "kubernetes_role_v1" "opsbot" {
  for_each = toset(var.namespaces)

  metadata {
    name      = var.name
    namespace = each.value
  }

  # /ops status, /scale, /diagnose, /workshop: replicas and images; watch follows a rollout;
  # patch: /images sync aligns a deployment's image with the control plane's digest.
  rule {
    api_groups = ["apps"]
    resources  = ["deployments"]
    verbs      = ["get", "list", "watch", "patch"]
  }

  # /scale, /workshop prep|end: replicas change through the scale subresource only.
  rule {
    api_groups = ["apps"]
    resources  = ["deployments/scale"]
    verbs      = ["get", "patch", "update"]
  }

  # /diagnose: why pods are not ready and the events that explain it.
  rule {
    api_groups = [""]
    resources  = ["pods", "events"]
    verbs      = ["get", "list"]
  }

  # /scale: an HPA owning a deployment would undo a manual scale, so the plan warns about it.
  rule {
    api_groups = ["autoscaling"]
    resources  = ["horizontalpodautoscalers"]
    verbs      = ["get", "list"]
  }
}

resource "kubernetes_role_binding_v1" "opsbot" {
  for_each = toset(var.namespaces)

  metadata {
    name      = var.name
    namespace = each.value
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Role"
    name      = kubernetes_role_v1.opsbot[each.key].metadata[0].name
  }
  subject {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Group"
    name      = var.group
  }
}

resource "kubernetes_role_v1" "rotation_secret" {
  for_each = { for s in var.readable_secrets : "${s.namespace}/${s.name}" => s }

  metadata {
    name      = "${var.name}-rotation-secret"
    namespace = each.value.namespace
  }

  # /rotation status: when the key rotator last rewrote this one Secret (metadata only).
  rule {
    api_groups     = [""]
    resources      = ["secrets"]
    resource_names = [each.value.name]
    verbs          = ["get"]
  }
}

resource "kubernetes_role_binding_v1" "rotation_secret" {
  for_each = kubernetes_role_v1.rotation_secret

  metadata {
    name      = "${var.name}-rotation-secret"
    namespace = each.value.metadata[0].namespace
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Role"
    name      = each.value.metadata[0].name
  }
  subject {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Group"
    name      = var.group
  }
}

resource "kubernetes_role_v1" "credential_secret" {
  for_each = { for s in var.credential_secrets : "${s.namespace}/${s.name}" => s }

  metadata {
    name      = "${var.name}-credential-${each.value.name}"
    namespace = each.value.namespace
  }

  # /diagnose litellm (credential expiry): this credential's expiry annotation (metadata only).
  rule {
    api_groups     = [""]
    resources      = ["secrets"]
    resource_names = [each.value.name]
    verbs          = ["get"]
  }
}

resource "kubernetes_role_binding_v1" "credential_secret" {
  for_each = kubernetes_role_v1.credential_secret

  metadata {
    name      = each.value.metadata[0].name
    namespace = each.value.metadata[0].namespace
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Role"
    name      = each.value.metadata[0].name
  }
  subject {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Group"
    name      = var.group
  }
}
