# Exactly what infra/deploy/deploy.py and an image push need, nothing else.
data "aws_iam_policy_document" "deploy" {
  # The "*" statements are for actions IAM offers no resource-level permissions for
  # (ECR login, task definition revisions). What a registered revision may run as is
  # limited by PassTaskRoles, and the services it can reach by RollOutServices.
  statement {
    sid       = "EcrLogin"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  # Pull too: the pipeline checks a deployment with the binary inside the image it deployed,
  # which a redeploy of an earlier tag has to download.
  statement {
    sid = "PushImage"
    actions = [
      "ecr:BatchCheckLayerAvailability",
      "ecr:BatchGetImage",
      "ecr:CompleteLayerUpload",
      "ecr:DescribeImages",
      "ecr:GetDownloadUrlForLayer",
      "ecr:InitiateLayerUpload",
      "ecr:PutImage",
      "ecr:UploadLayerPart",
    ]
    resources = [var.repository_arn]
  }

  # Deregister: a rollout the circuit breaker fails is undone (deploy.py --wait).
  statement {
    sid       = "ManageRevisions"
    actions   = ["ecs:RegisterTaskDefinition", "ecs:DescribeTaskDefinition", "ecs:DeregisterTaskDefinition"]
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

  # The migrations, once per deploy, before the services move: start any revision of that one
  # family in this cluster, and follow it to its exit code.
  statement {
    sid       = "RunMigrations"
    actions   = ["ecs:RunTask"]
    resources = ["${var.one_off_task_family_arn}:*"]

    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [var.cluster_arn]
    }
  }

  statement {
    sid       = "FollowMigrations"
    actions   = ["ecs:DescribeTasks"]
    resources = ["*"]

    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [var.cluster_arn]
    }
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
    actions   = ["ssm:GetParameter", "ssm:PutParameter", "ssm:DeleteParameter"]
    resources = [var.image_tag_parameter_arn]
  }
}

resource "aws_iam_role_policy" "deploy" {
  name   = "deploy-folio"
  role   = aws_iam_role.deploy.id
  policy = data.aws_iam_policy_document.deploy.json
}
