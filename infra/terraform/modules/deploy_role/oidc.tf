locals {
  oidc_host         = "token.actions.githubusercontent.com"
  oidc_provider_arn = var.existing_oidc_provider_arn == null ? aws_iam_openid_connect_provider.github[0].arn : var.existing_oidc_provider_arn
}

# AWS trusts GitHub's OIDC issuer through its own CA store, so no thumbprint is pinned.
resource "aws_iam_openid_connect_provider" "github" {
  count = var.existing_oidc_provider_arn == null ? 1 : 0

  url            = "https://${local.oidc_host}"
  client_id_list = ["sts.amazonaws.com"]
}

# Only workflow jobs of one repository that run in the named GitHub environment can
# assume the role, so the environment's protection rules (required reviewers, allowed
# branches) decide who deploys. A branch condition (ref:refs/heads/main) is deliberately
# absent: it would let any job on main assume the role without the environment's review.
data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [local.oidc_provider_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_host}:aud"
      values   = ["sts.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_host}:sub"
      values   = ["repo:${var.github_repository}:environment:${var.github_environment}"]
    }
  }
}

resource "aws_iam_role" "deploy" {
  name                 = "${var.name}-github-deploy"
  description          = "Assumed by GitHub Actions to push the image and roll out a new task definition revision"
  assume_role_policy   = data.aws_iam_policy_document.trust.json
  max_session_duration = 3600
}
