# Exactly what infra/deploy/deploy.py and an image push need, nothing else.
data "aws_iam_policy_document" "deploy" {
  #checkov:skip=CKV_AWS_356:ecr:GetAuthorizationToken, ecs:RegisterTaskDefinition and ecs:DescribeTaskDefinition have no resource-level permissions in IAM; "*" is the only valid resource for them.
  #checkov:skip=CKV_AWS_111:Same three actions; RegisterTaskDefinition is the only write and what it registers is limited by the PassRole statement.
  statement {
    sid       = "EcrLogin"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid = "PushImage"
    actions = [
      "ecr:BatchCheckLayerAvailability",
      "ecr:BatchGetImage",
      "ecr:CompleteLayerUpload",
      "ecr:DescribeImages",
      "ecr:InitiateLayerUpload",
      "ecr:PutImage",
      "ecr:UploadLayerPart",
    ]
    resources = [var.repository_arn]
  }

  statement {
    sid       = "RegisterRevisions"
    actions   = ["ecs:RegisterTaskDefinition", "ecs:DescribeTaskDefinition"]
    resources = ["*"]
  }

  # New revisions carry the tags of the revision they replace (Terraform would
  # otherwise see the tags as removed); tagging is allowed only as part of registering.
  statement {
    sid       = "TagNewRevisions"
    actions   = ["ecs:TagResource"]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "ecs:CreateAction"
      values   = ["RegisterTaskDefinition"]
    }
  }

  statement {
    sid       = "RollOutServices"
    actions   = ["ecs:UpdateService", "ecs:DescribeServices"]
    resources = var.service_arns
  }

  statement {
    sid       = "PassTaskRoles"
    actions   = ["iam:PassRole"]
    resources = var.passable_role_arns

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ecs-tasks.amazonaws.com"]
    }
  }

  statement {
    sid       = "RecordDeployedTag"
    actions   = ["ssm:GetParameter", "ssm:PutParameter"]
    resources = [var.image_tag_parameter_arn]
  }
}

resource "aws_iam_role_policy" "deploy" {
  name   = "deploy-folio"
  role   = aws_iam_role.deploy.id
  policy = data.aws_iam_policy_document.deploy.json
}
