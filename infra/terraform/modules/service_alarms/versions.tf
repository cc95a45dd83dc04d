terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 7"
      # CloudFront publishes its metrics in us-east-1 only, so its alarm lives there.
      configuration_aliases = [aws.us_east_1]
    }
  }
}
