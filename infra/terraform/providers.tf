# One AWS provider per cluster region; the default one is the control plane's.
provider "aws" {
  region = local.clusters["us-east-2"].region
}

provider "aws" {
  alias  = "us_east_2"
  region = local.clusters["us-east-2"].region
}

provider "aws" {
  alias  = "us_west_2"
  region = local.clusters["us-west-2"].region
}

provider "aws" {
  alias  = "eu_west_2"
  region = local.clusters["eu-west-2"].region
}

# The proxy clusters, where this module writes opsbot's RBAC (the Helm chart does it in the control plane).
provider "kubernetes" {
  alias                  = "us_west_2"
  host                   = data.aws_eks_cluster.us_west_2.endpoint
  cluster_ca_certificate = base64decode(data.aws_eks_cluster.us_west_2.certificate_authority[0].data)
  token                  = data.aws_eks_cluster_auth.us_west_2.token
}

provider "kubernetes" {
  alias                  = "eu_west_2"
  host                   = data.aws_eks_cluster.eu_west_2.endpoint
  cluster_ca_certificate = base64decode(data.aws_eks_cluster.eu_west_2.certificate_authority[0].data)
  token                  = data.aws_eks_cluster_auth.eu_west_2.token
}
