"""The workflows and what they call agree: every deploy.py command line in the rollout workflow
parses with deploy.py's own arguments, the environments the pipeline deploys to are the
Terraform environments, prod waits for dev, and the variables the rollout reads are the
ones docs/deploy.md tells the owner to set. (Run by infra/tests/check.sh.)"""

import re
import shlex
from pathlib import Path

import pytest
import yaml

import deploy

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"


def load(name):
    return yaml.safe_load((WORKFLOWS / name).read_text())


def deploy_commands():
    """Each deploy.py invocation in rollout.yml, as argument lists (variables left as names)."""
    steps = load("rollout.yml")["jobs"]["rollout"]["steps"]
    commands = []
    for step in steps:
        script = step.get("run", "").replace("\\\n", " ")
        for line in script.splitlines():
            if "infra/deploy/deploy.py" in line:
                words = shlex.split(line.replace('"', ""))
                commands.append(words[words.index("infra/deploy/deploy.py") + 1:])
    return commands


def test_every_deploy_command_of_the_rollout_parses_with_deploy_py(monkeypatch):
    commands = deploy_commands()
    assert len(commands) == 2, commands  # the rollout, and the rollback after a failed verify
    parsed = []
    monkeypatch.setattr(deploy, "boto3", None)  # parsing only: any AWS call would fail loudly
    for argv in commands:
        with pytest.raises(AttributeError):
            deploy.main(argv)  # arguments accepted, then the first AWS client is asked for
        parsed.append(argv)
    rollout = parsed[0]
    assert "--wait" in rollout and "--migration-family" in rollout and "--migration-network-from" in rollout


def test_the_pipeline_deploys_dev_then_prod_into_the_terraform_environments():
    jobs = load("deploy.yml")["jobs"]
    environments = {job["with"]["environment"] for job in jobs.values() if job.get("uses", "").endswith("rollout.yml")
                    and not job["with"]["environment"].startswith("${{")}
    terraform = {p.name for p in (ROOT / "infra" / "terraform" / "environments").iterdir() if (p / "main.tf").exists()}
    assert environments == {"dev", "prod"} <= terraform
    assert jobs["prod"]["needs"] == "dev"
    choices = load("deploy.yml")[True]["workflow_dispatch"]["inputs"]["environment"]["options"]
    assert set(choices) == environments


def test_the_rollout_runs_in_the_github_environment_the_deploy_role_trusts():
    job = load("rollout.yml")["jobs"]["rollout"]
    assert job["environment"]["name"] == "${{ inputs.environment }}"
    trust = (ROOT / "infra" / "terraform" / "modules" / "deploy_role" / "oidc.tf").read_text()
    subjects = re.findall(r'"repo:\$\{var\.github_repository\}:([^"]+)"', trust)
    assert subjects == ["environment:${var.github_environment}"], subjects


def test_every_variable_the_rollout_reads_is_documented_for_the_owner():
    job = load("rollout.yml")["jobs"]["rollout"]
    used = set(re.findall(r"vars\.([A-Z_]+)", yaml.safe_dump(job)))
    guide = (ROOT / "docs" / "deploy.md").read_text()
    documented = set(re.findall(r"^\| `([A-Z_]+)`", guide, re.MULTILINE)) | {
        name for row in re.findall(r"^\| (`[A-Z_]+`(?:, `[A-Z_]+`)*) \|", guide, re.MULTILINE)
        for name in re.findall(r"`([A-Z_]+)`", row)
    }
    assert used <= documented, f"not in docs/deploy.md's table of pipeline variables: {sorted(used - documented)}"
