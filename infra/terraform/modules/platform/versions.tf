terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 7"
      # Passed on to the cdn module: CloudFront certificates live in us-east-1.
      configuration_aliases = [aws.us_east_1]
    }
  }
}
