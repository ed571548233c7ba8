variable "name" {
  description = "Name of the ClusterRole, Roles and bindings."
  type        = string
}

variable "group" {
  description = "Kubernetes group the bot's EKS access entry maps to."
  type        = string
}

variable "namespaces" {
  description = "Namespaces of the inventory's deployments in this cluster."
  type        = list(string)
}

variable "readable_secrets" {
  description = "Secrets whose metadata the bot reads (the key rotator's), by namespace and name."
  type        = list(object({ namespace = string, name = string }))
  default     = []
}

variable "credential_secrets" {
  description = "Secrets whose expiry annotation the bot reads (inventory credentials[]), by namespace and name."
  type        = list(object({ namespace = string, name = string }))
  default     = []
}
