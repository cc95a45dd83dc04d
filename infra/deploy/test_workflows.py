"""The workflows and what they call agree: every deploy.py command line in the rollout workflow,
as bash runs it for each profile, parses with deploy.py's own arguments; the environments the
pipeline deploys to are the Terraform environments, prod waits for dev, the personal profile
replaces both, each gets the image of its architecture; and the variables the rollout reads are
the ones docs/deploy.md tells the owner to set. (Run by infra/tests/check.sh.)"""

import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

import deploy

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"


def load(name):
    return yaml.safe_load((WORKFLOWS / name).read_text())


# The two shapes of environment the rollout serves: a site and an API service (dev, prod), or
# the personal profile's single service, named as API_SERVICE with no SITE_SERVICE.
PROFILES = {
    "site and api": {"SITE_SERVICE": "folio-dev-site", "API_SERVICE": "folio-dev-api"},
    "personal": {"SITE_SERVICE": "", "API_SERVICE": "folio-personal-serve"},
}


def deploy_commands(tmp_path, services):
    """The deploy.py command lines of rollout.yml's steps, as bash runs them with these service
    variables: each step's script runs with a stand-in python that records its arguments."""
    steps = load("rollout.yml")["jobs"]["rollout"]["steps"]
    python = tmp_path / "venv" / "bin" / "python"
    python.parent.mkdir(parents=True, exist_ok=True)
    python.write_text('#!/bin/sh\nprintf \'%s\\0\' "$@" >>"$RUNNER_TEMP/argv"; printf \'\\n\' >>"$RUNNER_TEMP/argv"\n')
    python.chmod(0o755)
    (tmp_path / "verify.txt").write_text("")
    env = {"PATH": os.environ["PATH"], "RUNNER_TEMP": str(tmp_path), "GITHUB_STEP_SUMMARY": str(tmp_path / "summary"),
           "ECS_CLUSTER": "folio-x", "MIGRATION_FAMILY": "folio-x-migrate", "IMAGE_TAG_PARAMETER": "/folio/x/image-tag",
           "TAG": "a" * 40, "PREVIOUS": "b" * 40, **services}
    for step in steps:
        if "infra/deploy/deploy.py" in step.get("run", ""):
            subprocess.run(["bash", "-eo", "pipefail", "-c", step["run"]], env=env, check=False, cwd=ROOT)
    lines = (tmp_path / "argv").read_bytes().split(b"\n")
    return [[a.decode() for a in line.split(b"\0")[:-1]][1:] for line in lines if line]


@pytest.mark.parametrize("profile", PROFILES)
def test_every_deploy_command_of_the_rollout_parses_with_deploy_py(monkeypatch, tmp_path, profile):
    commands = deploy_commands(tmp_path, PROFILES[profile])
    assert len(commands) == 2, commands  # the rollout, and the rollback after a failed verify
    monkeypatch.setattr(deploy, "boto3", None)  # parsing only: any AWS call would fail loudly
    for argv in commands:
        with pytest.raises(AttributeError):
            deploy.main(argv)  # arguments accepted, then the first AWS client is asked for
    expected = [name for name in (PROFILES[profile]["SITE_SERVICE"], PROFILES[profile]["API_SERVICE"]) if name]
    for argv in commands:
        assert [argv[i + 1] for i, word in enumerate(argv) if word == "--service"] == expected, argv
    rollout = commands[0]
    assert "--wait" in rollout and "--migration-family" in rollout and "--migration-network-from" in rollout
    assert rollout[rollout.index("--migration-network-from") + 1] == PROFILES[profile]["API_SERVICE"]


def test_the_pipeline_deploys_dev_then_prod_or_the_personal_profile_into_the_terraform_environments():
    jobs = load("deploy.yml")["jobs"]
    rollouts = {job["with"]["environment"]: job for job in jobs.values() if job.get("uses", "").endswith("rollout.yml")
                and not job["with"]["environment"].startswith("${{")}
    terraform = {p.name for p in (ROOT / "infra" / "terraform" / "environments").iterdir() if (p / "main.tf").exists()}
    assert set(rollouts) == {"dev", "prod", "personal"} == terraform
    assert jobs["prod"]["needs"] == "dev"
    # One profile or the other, never both: the same repository variable decides.
    assert rollouts["dev"]["if"] == "vars.FOLIO_PROFILE != 'personal'"
    assert rollouts["personal"]["if"] == "vars.FOLIO_PROFILE == 'personal'"
    choices = load("deploy.yml")[True]["workflow_dispatch"]["inputs"]["environment"]["options"]
    assert set(choices) == set(rollouts)


def test_each_environment_gets_the_image_of_its_task_definitions_architecture():
    jobs = load("deploy.yml")["jobs"]
    built = {entry["architecture"] for entry in jobs["image"]["strategy"]["matrix"]["include"]}
    names = {"X86_64": "amd64", "ARM64": "arm64"}
    for environment in ("dev", "prod", "personal"):
        main = (ROOT / "infra" / "terraform" / "environments" / environment / "main.tf").read_text()
        declared = re.search(r'cpu_architecture\s*=\s*"([A-Z0-9_]+)"', main)
        architecture = names[declared.group(1) if declared else "X86_64"]  # the platform's default
        assert jobs[environment]["with"]["architecture"] == architecture, environment
        assert architecture in built


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
