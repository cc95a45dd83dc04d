"""The metrics agent beside each Folio task (metrics_to_amp), run for real by containers.py.

Terraform puts a Prometheus agent container in each serving task definition: it scrapes the
Folio container on localhost and remote-writes to the environment's Amazon Managed Service for
Prometheus workspace with SigV4 (infra/terraform/modules/platform/metrics.tf). Here each agent
runs beside the real Folio task: Debian's prometheus stands in for the image's (both are on the
PATH as `prometheus`), the container's own command writes the configuration from AGENT_CONFIG
into the directory standing for the task's volume, and `promtool check config` checks the file
it wrote. A local Prometheus with the remote-write receiver on stands in for the workspace; the
test then asks it for `up` and one Folio metric per role.

Replaced, and printed like the others: the workspace's remote-write URL (-> the local receiver),
localhost (the task's own loopback address here, since the tasks share this host), the agent's
listen address (likewise), `--agent` (Debian's 2.42 calls agent mode `--enable-feature=agent`),
and the task's hostname (set per agent in a UTS namespace of its own, as each task has its own). SigV4 needs credentials: the agents get dummy ones, which the
receiver ignores.
"""

import json
import re
import shutil
import signal
import subprocess
import time
import urllib.parse
import urllib.request

from outcome import die, expect

AGENT_CONTAINER = "metrics"
RECEIVER = "127.0.9.1:9090"

# A metric each role exports (dashboards' instance panels read them).
ROLE_METRICS = {"site": ["frontend_info"], "api": ["backend_info"], "serve": ["frontend_info", "backend_info"]}


class Receiver:
    """A Prometheus that accepts remote writes on RECEIVER, standing for the AMP workspace."""

    def __init__(self, work):
        for tool in ("prometheus", "promtool"):
            if shutil.which(tool) is None:
                die(f"{tool} is missing (scripts/setup installs Debian's prometheus)")
        self.dir = work / "amp-receiver"
        self.dir.mkdir()
        (self.dir / "prometheus.yml").write_text("global: {}\n")
        self.log = open(self.dir / "prometheus.log", "w")
        self.proc = subprocess.Popen(
            ["prometheus", f"--config.file={self.dir / 'prometheus.yml'}", f"--storage.tsdb.path={self.dir / 'data'}",
             f"--web.listen-address={RECEIVER}", "--web.enable-remote-write-receiver"],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while not self._ready():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                die(f"the local remote-write receiver did not start on {RECEIVER}: {(self.dir / 'prometheus.log').read_text()[-800:]}")
            time.sleep(0.2)
        self.url = f"http://{RECEIVER}/api/v1/write"

    def _ready(self):
        try:
            with urllib.request.urlopen(f"http://{RECEIVER}/-/ready", timeout=2) as answer:
                return answer.status == 200
        except OSError:
            return False

    def query(self, expression):
        """The instant vector `expression` yields: a list of {metric, value}."""
        url = f"http://{RECEIVER}/api/v1/query?" + urllib.parse.urlencode({"query": expression})
        with urllib.request.urlopen(url, timeout=5) as answer:
            return json.load(answer)["data"]["result"]

    def close(self):
        self.proc.terminate()
        self.proc.wait()
        self.log.close()


class Agent:
    """The agent container of one running task, started beside its Folio container."""

    def __init__(self, ctx, task, container):
        self.container, self.task = container, task
        env = {e["name"]: e["value"] for e in container.get("environment", [])}
        replaced, port = [], task.port
        self.hostname = "ip-" + task.address.replace(".", "-")

        def replace(what, old, new, text, why):
            if text.count(old) != 1:
                die(f"{task.name}: the agent's {what} should name {old} once:\n{text}")
            replaced.append(f"{old.strip()} -> {new.strip()} ({why})")
            return text.replace(old, new)

        config = env["AGENT_CONFIG"]
        url = re.search(r'"url": "([^"]+)"', config)
        if not url or not url.group(1).endswith("/api/v1/remote_write"):
            die(f"{task.name}: the agent's configuration writes to no workspace:\n{config}")
        self.remote_write_url = url.group(1)
        config = replace("configuration", url.group(1), ctx.receiver.url, config, "the local receiver")
        config = replace("configuration", f'"localhost:{port}"', f'"{task.address}:{port}"', config,
                         "the task's own address")
        env["AGENT_CONFIG"] = config
        command = container["command"][0]
        listen = re.search(r"--web.listen-address=(\S+)", command).group(1)
        command = replace("command", listen, f"{task.address}:9090", command, "the task's own address")
        command = replace("command", "--agent ", "--enable-feature=agent ", command,
                          "Debian's Prometheus 2.42 names agent mode by its feature flag, the image's 3.x by --agent")
        env |= {"PATH": "/usr/bin:/bin", "AWS_ACCESS_KEY_ID": "folio-test", "AWS_SECRET_ACCESS_KEY": "folio-test"}
        replaced.append(f"hostname -> {self.hostname} (the task's own)")
        if container["name"] not in ctx.shown:
            ctx.shown.add(container["name"])
            print(f"  {container['name']} beside {task.container['name']}: Debian's prometheus for the image's; "
                  "dummy AWS credentials for SigV4; replaced: " + "; ".join(replaced))
        # The task's bind volume at the container's working directory (an address is one task's).
        self.dir = ctx.work / f"metrics-{task.address}"
        self.dir.mkdir()
        self.log_path = self.dir / "agent.log"
        self.log = open(self.log_path, "w")
        argv = ["unshare", "--uts", "/bin/sh", "-c", 'hostname "$0" && exec "$@"', self.hostname,
                *container["entryPoint"], command]
        self.proc = subprocess.Popen(argv, env=env, cwd=self.dir, stdout=self.log, stderr=subprocess.STDOUT)
        self.checked = None

    def check_config(self):
        """promtool on the file the container's command wrote (once it has)."""
        written = self.dir / "agent.yml"
        deadline = time.monotonic() + 10
        while not written.exists() or written.stat().st_size == 0:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                die(f"{self.task.name}: the agent wrote no configuration (exit {self.proc.poll()}):\n{self.tail()}")
            time.sleep(0.1)
        result = subprocess.run(["promtool", "check", "config", str(written)], capture_output=True, text=True)
        self.checked = result.returncode == 0
        if not self.checked:
            die(f"{self.task.name}: promtool check config refused the agent's configuration:\n{result.stdout}{result.stderr}")

    def resident_mib(self):
        """The agent's resident set (the process under unshare and sh, which exec into it)."""
        for line in open(f"/proc/{self.proc.pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0

    def tail(self, lines=10):
        self.log.flush()
        return "\n".join(self.log_path.read_text().splitlines()[-lines:])

    def stop(self, timeout=10):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.proc.returncode


def agents_of(containers, serving):
    """The agent containers of a task definition beside its serving container."""
    others = [c for c in containers if c is not serving]
    for container in others:
        if container["name"] != AGENT_CONTAINER:
            die(f"unexpected container {container['name']} beside {serving['name']}")
    return others


def scrape_interval(agent):
    config = agent.container["environment"][0]["value"]
    return int(re.search(r'"scrape_interval": "(\d+)s"', config).group(1))


def no_agents(state):
    """metrics_to_amp off: no workspace, one container per task definition, no write grant."""
    definitions = state.of_type("aws_ecs_task_definition")
    counts = {d["values"]["family"]: len(json.loads(d["values"]["container_definitions"])) for d in definitions}
    grants = [p for p in state.of_type("aws_iam_role_policy") if "aps:" in p["values"]["policy"]]
    expect(not state.of_type("aws_prometheus_workspace") and set(counts.values()) == {1} and not grants,
           f"metrics_to_amp off: no AMP workspace, no agent beside any task ({counts}), no aps grant")


def check(ctx, services):
    """With the workspace: each task's agent is not essential, nothing waits for it, the task
    role may write to this workspace only, and the receiver holds `up` and each role's metric."""
    workspace = ctx.state.one("aws_prometheus_workspace")
    tasks = [t for s in services.values() for t in s.tasks]
    agents = [a for t in tasks for a in t.agents]
    if not expect(len(agents) == len(tasks), f"one metrics agent beside each of the {len(tasks)} tasks ({len(agents)})"):
        return
    expect(all(not a.container["essential"] for a in agents)
           and all(AGENT_CONTAINER not in json.dumps(t.container.get("dependsOn", [])) for t in tasks),
           "the agents are not essential and no Folio container depends on one (a dead agent loses metrics, not the site)")
    expect(all(a.remote_write_url == workspace["prometheus_endpoint"] + "api/v1/remote_write" for a in agents),
           "every agent writes to the workspace's own remote-write URL")
    expect(all(a.checked for a in agents), f"promtool check config accepts each agent's written configuration ({len(agents)})")
    grants = [json.loads(p["values"]["policy"]) for p in ctx.state.of_type("aws_iam_role_policy") if "aps:" in p["values"]["policy"]]
    statements = [s for g in grants for s in g["Statement"]]
    expect(grants and all(s["Action"] == "aps:RemoteWrite" and s["Resource"] == workspace["arn"] for s in statements),
           f"the task roles may aps:RemoteWrite to this workspace and nothing else ({len(grants)} policies)")
    expect(all(t.exited() is None for t in tasks) and all(a.proc.poll() is None for a in agents),
           "the agents run beside their tasks")
    limit = min(a.container["memory"] for a in agents)
    resident = max(a.resident_mib() for a in agents)
    expect(resident < limit, f"the agents' largest resident set, {resident:.0f} MiB, is under their {limit} MiB limit")
    roles = {}
    for agent in agents:
        role = re.search(r'"role": "(\w+)"', agent.container["environment"][0]["value"]).group(1)
        roles.setdefault(role, []).append(agent)
    deadline = time.monotonic() + 2 * max(scrape_interval(a) for a in agents) + 30
    started = time.monotonic()
    while True:
        found = {role: _found(ctx.receiver, role, agents_of_role) for role, agents_of_role in roles.items()}
        if all(ok for ok, _ in found.values()) or time.monotonic() > deadline:
            break
        time.sleep(2)
    for role, (ok, detail) in found.items():
        expect(ok, f"{role}: the receiver standing for AMP holds {detail} after {time.monotonic() - started:.0f} s")
    if not all(ok for ok, _ in found.values()):
        for agent in agents:
            print(f"  {agent.task.name}'s agent:\n{agent.tail()}")


def _found(receiver, role, agents):
    up = receiver.query(f'up{{job="folio", role="{role}"}} == 1')
    instances = sorted(s["metric"].get("instance", "") for s in up)
    wanted = sorted(f"{a.hostname}:{a.task.port}" for a in agents)
    metrics = {name: len(receiver.query(f'{name}{{role="{role}"}}')) for name in ROLE_METRICS[role]}
    detail = f"up == 1 from {instances} (wanted {wanted}), " + ", ".join(f"{n}: {c} series" for n, c in metrics.items())
    return set(wanted) <= set(instances) and all(metrics.values()), detail
