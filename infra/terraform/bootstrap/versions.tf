terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 7"
    }
  }

  # The state bucket cannot hold its own state before it exists, so this root keeps
  # local state. It is tiny and rarely changes; keep terraform.tfstate somewhere safe
  # (or migrate it into the bucket once created) after the first apply.
}

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Project   = "folio"
      ManagedBy = "terraform"
      Stack     = "bootstrap"
    }
  }
}
