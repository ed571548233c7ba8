variable "inventory_file" {
  description = "The opsbot inventory this access is derived from (clusters, namespaces, mirrored ECR repositories)."
  type        = string
  default     = "../environments/ai.coder.com.yaml"
}

variable "name" {
  description = "Name of the IAM role and its policy."
  type        = string
  default     = "opsbot"
}

variable "bot_namespace" {
  description = "Kubernetes namespace the Helm chart is installed in (control-plane cluster)."
  type        = string
  default     = "opsbot"
}

variable "bot_service_account" {
  description = "The worker's ServiceAccount (Helm value serviceAccount.name, default: the release's full name)."
  type        = string
  default     = "opsbot"
}

variable "kubernetes_group" {
  description = "Kubernetes group the EKS access entries map the role to; the chart's rbac.group must match."
  type        = string
  default     = "opsbot"

  validation {
    condition     = !startswith(var.kubernetes_group, "system:")
    error_message = "EKS access entries cannot use system: groups."
  }
}

variable "identity" {
  description = "How the worker pod gets the role: pod-identity (EKS Pod Identity association) or irsa."
  type        = string
  default     = "pod-identity"

  validation {
    condition     = contains(["pod-identity", "irsa"], var.identity)
    error_message = "identity must be pod-identity or irsa."
  }
}

variable "irsa_oidc_provider_arn" {
  description = "identity = irsa: ARN of the control-plane cluster's IAM OIDC provider."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags for the IAM role and policy."
  type        = map(string)
  default     = { "app.kubernetes.io/name" = "opsbot" }
}
