terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 7"
    }
  }

  # Partial configuration: bucket, key, region and lock table come from
  # backend.hcl (see backend.hcl.example) at `terraform init -backend-config=backend.hcl`.
  backend "s3" {}
}
