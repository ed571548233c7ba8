data "aws_eks_cluster" "us_east_2" {
  provider = aws.us_east_2
  name     = local.clusters["us-east-2"].eksName
}

data "aws_eks_cluster" "us_west_2" {
  provider = aws.us_west_2
  name     = local.clusters["us-west-2"].eksName
}

data "aws_eks_cluster" "eu_west_2" {
  provider = aws.eu_west_2
  name     = local.clusters["eu-west-2"].eksName
}

data "aws_eks_cluster_auth" "us_west_2" {
  provider = aws.us_west_2
  name     = local.clusters["us-west-2"].eksName
}

data "aws_eks_cluster_auth" "eu_west_2" {
  provider = aws.eu_west_2
  name     = local.clusters["eu-west-2"].eksName
}
