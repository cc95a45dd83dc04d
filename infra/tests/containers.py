#!/usr/bin/env python3
"""Runs every container Terraform defines, the way ECS would, with the real binary.

The emulator (moto) stores task definitions but never runs them, so a task definition the
binary refuses would pass an apply and crash-loop in AWS. This test closes that gap. From a
state applied against the emulator (`terraform show -json`) it takes, for every container of
every `aws_ecs_task_definition`, the command, the environment verbatim, the secrets resolved
from the emulator's Secrets Manager and the port, and runs the release binary with them in the
image's root (scripts/imageroot.py: the image's user, read-only root, the image's ENV). It
runs each container's own health check command as ECS does (exec form, inside the container)
and requires exit 0. In front it puts the edge generated from the same state (standins.py):
the origin, an ALB (listener, rules, target groups' health checks) or API Gateway's HTTP API
(routes, integrations to the Cloud Map service the tasks register in), and CloudFront (the
origin headers, the cache behaviours with their cache and origin request policies). Through
that it runs `folio verify`, checks that the owner's content is what the site shows, that the
tasks' network admits the origin only and reaches AWS without NAT when they have public
addresses, that the edge keeps pages and the project list within the bound and never keeps
writes, the admin's reads or the forms, that an owner's write shows within the bound, and
signs in to the admin (/admin is routed to the API) and is refused from another origin, then
manages a project from the admin's forms (created at its own address, seen on the site there,
hidden, deleted), opens the inbox and signs out, the old cookie refused by every API task; then
it rolls out a new task-definition revision registered by infra/deploy/deploy.py and rolls it
back, under load, counting failures. With metrics_to_amp, each task's metrics agent runs beside
it and writes to a local stand-in for AMP (metrics_agent.py); without, no task has one.

Only what names the AWS environment itself is replaced, and each replacement is printed:
  - the RDS address and port -> a TLS-only PostgreSQL 15 cluster on 127.0.0.1 (it refuses
    plain connections, like rds.force_ssl); the CA bundle's path keeps its name and holds the
    cluster's CA; the RDS master secret's user and password are created in the cluster;
  - HOST=0.0.0.0 (every address of the task's own network interface under awsvpc) -> the
    task's own loopback address 127.0.10.N, since the tasks share this host's network;
  - the VPC's address range in TRUSTED_PROXIES -> 127.0.0.0/8, the network the test's load
    balancer and tasks live on;
  - the Cloud Map namespace is served by a local DNS server (dnsmasq) that the image's
    resolv.conf names, with the running API tasks' addresses as its records (ECS registers
    tasks in Cloud Map the same way), so API_URL is used as written.
Time is compressed: health checks and drains follow the state's paths, matchers, thresholds
and orders, at intervals of a fraction of a second instead of 15 s.

Usage: containers.py --state STATE.json --label dev --binary FOLIO --work DIR [--content DIR]
Needs root (chroot), nginx, dnsmasq, the test kit's test-postgres and load tools, boto3
pointed at the emulator (AWS_ENDPOINT_URL). Exits non-zero on any failure; prints figures.
"""

import argparse
import html
import ipaddress
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO / "scripts"))
sys.path.insert(0, str(REPO / "infra" / "deploy"))

import boto3  # noqa: E402
import deploy  # noqa: E402
import harness  # noqa: E402
import metrics_agent  # noqa: E402
from imageroot import ImageRoot  # noqa: E402
from outcome import FAILURES, Failure, die, expect  # noqa: E402
from standins import CACHE_POLICIES, LoadBalancer, glob_regex  # noqa: E402

# The compressed clock: every health-check interval and drain is divided by this.
TIME_SCALE = 40.0

# --- The state -------------------------------------------------------------------------------

class State:
    """The resources of a `terraform show -json` document, by type."""

    def __init__(self, path):
        document = json.loads(Path(path).read_text())
        self.resources = []

        def walk(module):
            for resource in module.get("resources", []):
                if resource.get("mode") == "managed":
                    self.resources.append(resource)
            for child in module.get("child_modules", []):
                walk(child)

        walk(document["values"]["root_module"])

    def of_type(self, kind):
        return [r for r in self.resources if r["type"] == kind]

    def one(self, kind, **matching):
        found = [r for r in self.of_type(kind) if all(r["values"].get(k) == v for k, v in matching.items())]
        if len(found) != 1:
            die(f"expected one {kind} with {matching}, found {len(found)}")
        return found[0]["values"]


# --- Secrets ---------------------------------------------------------------------------------

class Secrets:
    """Resolves `valueFrom` references the way ECS does at task start."""

    def __init__(self):
        self.client = boto3.client("secretsmanager")

    def resolve(self, value_from):
        # arn:aws:secretsmanager:region:account:secret:name[:json-key:version-stage:version-id]
        parts = value_from.split(":")
        arn, key = ":".join(parts[:7]), (parts[7] if len(parts) > 7 else "")
        value = self.client.get_secret_value(SecretId=arn)["SecretString"]
        if key:
            document = json.loads(value)
            if key not in document:
                die(f"secret {arn} has no key {key!r} (keys: {sorted(document)})")
            return str(document[key])
        return value


# --- DNS for the Cloud Map namespace ---------------------------------------------------------

class Dns:
    """dnsmasq answering the Cloud Map names with the running tasks' addresses."""

    ADDRESS = "127.0.53.1"

    def __init__(self, work, image):
        self.hosts = work / "cloudmap.hosts"
        self.hosts.write_text("")
        self.records = {}
        image.set_file("/etc/resolv.conf", f"nameserver {self.ADDRESS}\noptions timeout:1 attempts:2\n")
        self.log = work / "dns.log"
        self.proc = subprocess.Popen(
            ["dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts",
             f"--listen-address={self.ADDRESS}", "--bind-interfaces", "--port=53", f"--addn-hosts={self.hosts}",
             "--local-ttl=1", f"--log-facility={self.log}"],
            stderr=subprocess.PIPE)
        time.sleep(0.3)
        if self.proc.poll() is not None:
            die(f"dnsmasq could not listen on {self.ADDRESS}:53: {self.proc.stderr.read().decode()}")

    def register(self, name, addresses):
        self.records[name] = list(addresses)
        self.hosts.write_text("".join(f"{a} {n}\n" for n, addrs in self.records.items() for a in addrs))
        self.proc.send_signal(signal.SIGHUP)
        time.sleep(0.1)

    def close(self):
        self.proc.terminate()
        self.proc.wait()


# --- Tasks -----------------------------------------------------------------------------------

class Addresses:
    """One loopback address per task, as awsvpc gives each task its own interface."""

    def __init__(self, base):
        self.next = ipaddress.ip_address(base)

    def take(self):
        address, self.next = str(self.next), self.next + 1
        return address


class Task:
    """One running container of a task definition."""

    def __init__(self, ctx, family, revision, container, label):
        self.ctx = ctx
        self.family, self.revision, self.container = family, revision, container
        self.name = f"{family}:{revision}/{container['name']}#{label}"
        self.address = ctx.addresses.take()
        self.env = ctx.environment_of(container, self.address)
        self.port = container["portMappings"][0]["containerPort"] if container.get("portMappings") else None
        self.log_path = ctx.work / f"{family}-{revision}-{label}.log"
        self.log = open(self.log_path, "w")
        self.argv = ctx.image.argv(container.get("entryPoint"), container.get("command"))
        self.proc = ctx.image.run(self.argv, self.env, stdout=self.log)
        self.health = "UNKNOWN"
        self.agents = []

    def log_tail(self, lines=15):
        if not self.log.closed:  # a task run to completion has closed it
            self.log.flush()
        return "\n".join(self.log_path.read_text().splitlines()[-lines:])

    def exited(self):
        return self.proc.poll()

    def health_check(self):
        """The container's healthCheck.command, run inside the container as ECS runs it."""
        spec = self.container.get("healthCheck")
        if not spec:
            return True, "no health check"
        command = spec["command"]
        if command[0] == "CMD":
            argv = command[1:]
        elif command[0] == "CMD-SHELL":
            argv = ["/bin/sh", "-c", command[1]]  # the image has no shell: this fails, as in ECS
        else:
            die(f"{self.name}: health check command must start with CMD or CMD-SHELL: {command}")
        proc = self.ctx.image.run(argv, self.env, stdout=subprocess.PIPE)
        try:
            out, _ = proc.communicate(timeout=spec.get("timeout", 5))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            return False, "timed out"
        return proc.returncode == 0, out.decode(errors="replace").strip()

    def wait_healthy(self):
        """Runs the health check until it passes, as often as the (compressed) interval says,
        within startPeriod plus `retries` intervals; a container that exits fails at once."""
        spec = self.container.get("healthCheck") or {}
        interval = spec.get("interval", 30) / TIME_SCALE
        budget = (spec.get("startPeriod", 0) + spec.get("retries", 3) * spec.get("interval", 30)) / TIME_SCALE + 10
        deadline = time.monotonic() + budget
        detail = ""
        while time.monotonic() < deadline:
            if self.exited() is not None:
                die(f"{self.name} exited with {self.exited()} before becoming healthy:\n{self.log_tail()}")
            ok, detail = self.health_check()
            if ok:
                self.health = "HEALTHY"
                return detail
            time.sleep(interval)
        die(f"{self.name}: its health check never passed ({detail}):\n{self.log_tail()}")

    def stop(self, stop_timeout):
        """SIGTERM, then SIGKILL after stopTimeout, as ECS stops a task; returns the exit code."""
        if self.exited() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=stop_timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        for agent in self.agents:
            agent.stop()
        return self.proc.returncode

    def run_to_completion(self, timeout=120):
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            die(f"{self.name} did not finish within {timeout} s:\n{self.log_tail()}")
        self.log.close()
        return code


# --- CloudWatch Logs filter patterns ----------------------------------------------------------

class LogPattern:
    """A CloudWatch Logs JSON filter pattern, as far as the alarms use it: `{ $.a.b = "x" }`
    terms (`=` and `!=`, strings with `*` wildcards, numbers) joined by `&&` and `||`, with
    parentheses. Anything else fails loudly, so a pattern the test cannot read is never
    taken as matching."""

    TOKEN = re.compile(r'\s*(\(|\)|&&|\|\||!=|=|"(?:[^"\\]|\\.)*"|\$[.\w\[\]]+|-?\d+(?:\.\d+)?)')

    def __init__(self, text):
        body = text.strip()
        if not (body.startswith("{") and body.endswith("}")):
            die(f"the test reads JSON filter patterns only ({{ ... }}), not {text!r}")
        self.tokens, rest = [], body[1:-1].strip()
        while rest:
            m = self.TOKEN.match(rest)
            if not m:
                die(f"cannot read the filter pattern {text!r} at {rest!r}")
            self.tokens.append(m.group(1))
            rest = rest[m.end():].strip()
        self.text = text

    def matches(self, event):
        self.at = 0
        result = self._expr(event)
        if self.at != len(self.tokens):
            die(f"trailing tokens in the filter pattern {self.text!r}")
        return result

    def _expr(self, event):
        result = self._term(event)
        while self.at < len(self.tokens) and self.tokens[self.at] in ("&&", "||"):
            op = self.tokens[self.at]
            self.at += 1
            right = self._term(event)
            result = (result and right) if op == "&&" else (result or right)
        return result

    def _term(self, event):
        if self.tokens[self.at] == "(":
            self.at += 1
            result = self._expr(event)
            self.at += 1  # ")"
            return result
        selector, op, value = self.tokens[self.at:self.at + 3]
        self.at += 3
        actual = event
        for key in selector[2:].split("."):
            actual = actual.get(key) if isinstance(actual, dict) else None
        if value.startswith('"'):
            wanted = json.loads(value)
            equal = isinstance(actual, str) and re.fullmatch(".*".join(map(re.escape, wanted.split("*"))), actual) is not None
        else:
            equal = isinstance(actual, (int, float)) and float(actual) == float(value)
        return equal if op == "=" else not equal


def json_events(path):
    events = []
    for line in Path(path).read_text().splitlines():
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError:
            pass
    return events


# --- ECS, as far as running the tasks goes ---------------------------------------------------

class Context:
    """What every task of one environment shares: the image, the database, the secrets, the
    addresses, and the replacements of what names AWS itself."""

    def __init__(self, args, state, cluster):
        self.work = Path(args.work)
        self.state = state
        self.cluster = cluster
        self.image = ImageRoot(self.work, args.binary, cluster.info["ca_cert"], args.content)
        self.addresses = Addresses("127.0.10.1")
        self.secrets = Secrets()
        self.rds = state.one("aws_db_instance")
        self.vpc_cidr = state.one("aws_vpc")["cidr_block"]
        self.shown = set()
        self.smtp, self.smtp_file = None, self.work / "smtp.jsonl"
        self.receiver = metrics_agent.Receiver(self.work) if state.of_type("aws_prometheus_workspace") else None

    def start_smtp_sink(self, url):
        """A local SMTP server where a loopback SMTP_URL points (the test's own mail server)."""
        parsed = urllib.parse.urlsplit(url)
        if self.smtp is None and parsed.hostname and ipaddress.ip_address(parsed.hostname).is_loopback:
            self.smtp = subprocess.Popen([harness.tool("smtp-sink"), f"{parsed.hostname}:{smtp_port(url)}"],
                                         stdin=subprocess.PIPE, stdout=open(self.smtp_file, "w"), stderr=subprocess.PIPE)
            deadline = time.monotonic() + 10
            while not self.smtp_file.read_text().startswith("smtp://"):
                if self.smtp.poll() is not None or time.monotonic() > deadline:
                    die(f"the SMTP sink could not listen on {parsed.hostname}: {self.smtp.stderr.read().decode()}")
                time.sleep(0.05)

    def environment_of(self, container, address):
        """The container's environment as ECS hands it over, then the replacements."""
        env = {e["name"]: e["value"] for e in container.get("environment", [])}
        for secret in container.get("secrets", []):
            env[secret["name"]] = self.secrets.resolve(secret["valueFrom"])
        if "SMTP_URL" in env:
            self.start_smtp_sink(env["SMTP_URL"])
        replaced = []

        def replace(name, new, why):
            replaced.append(f"{name}: {env[name]} -> {new} ({why})")
            env[name] = new

        if env.get("HOST") in ("0.0.0.0", "::"):
            replace("HOST", address, "the task's own address")
        if "DB_HOST" in env:
            if env["DB_HOST"] != self.rds["address"]:
                die(f"{container['name']}: DB_HOST {env['DB_HOST']} is not the RDS instance's address {self.rds['address']}")
            # The cluster's certificate names 127.0.0.1; verify-full checks the name.
            replace("DB_HOST", "127.0.0.1", "the test's TLS-only PostgreSQL")
            if env.get("DB_PORT") == str(self.rds["port"]):
                replace("DB_PORT", str(self.cluster.info["port"]), "its port")
        if self.vpc_cidr in env.get("TRUSTED_PROXIES", "").split(","):
            replace("TRUSTED_PROXIES", env["TRUSTED_PROXIES"].replace(self.vpc_cidr, "127.0.0.0/8"), "the test's network")
        key = (container["name"], tuple(r for r in replaced if not r.startswith("HOST")))
        if key not in self.shown:
            self.shown.add(key)
            secrets = ", ".join(s["name"] for s in container.get("secrets", [])) or "none"
            print(f"  {container['name']}: {len(container.get('environment', []))} variables verbatim, secrets "
                  f"from the emulator ({secrets}); replaced: " + ("; ".join(replaced) or "nothing"))
        return env


class Service:
    """An ECS service and the tasks it runs."""

    def __init__(self, ctx, values, lb, dns):
        self.ctx, self.lb, self.dns = ctx, lb, dns
        self.name = values["name"]
        self.task_definition = values["task_definition"]
        self.desired = values["desired_count"]
        self.max_percent = values["deployment_maximum_percent"]
        self.min_percent = values["deployment_minimum_healthy_percent"]
        self.dns_name, registry = None, None
        for registry in values.get("service_registries", []):
            discovery = ctx.state.one("aws_service_discovery_service", arn=registry["registry_arn"])
            namespace = ctx.state.one("aws_service_discovery_private_dns_namespace", id=discovery["dns_config"][0]["namespace_id"])
            self.dns_name = f"{discovery['name']}.{namespace['name']}"
        balancers = values.get("load_balancer") or []
        if balancers:
            # Behind an ALB: the target group the tasks register in, at the container's port.
            self.target, self.container_name = balancers[0]["target_group_arn"], balancers[0]["container_name"]
            self.container_port = balancers[0]["container_port"]
        elif registry and registry["registry_arn"] in lb.groups:
            # Behind API Gateway: the Cloud Map service its integration sends to, at the port ECS
            # registers (an SRV record's), which must be the container's.
            if not registry.get("port"):
                die(f"{self.name} registers in Cloud Map without a port (an SRV record and service_registries.port): "
                    "API Gateway could not reach its tasks")
            self.target, self.container_name, self.container_port = registry["registry_arn"], None, registry["port"]
        else:
            die(f"{self.name} has no load balancer and no Cloud Map registration the origin sends to")
        self.tasks = []
        self.stop_timeout = 30

    def containers(self, arn):
        definition = boto3.client("ecs").describe_task_definition(taskDefinition=arn)["taskDefinition"]
        return definition["family"], definition["revision"], definition["containerDefinitions"]

    def start_tasks(self, arn, count, label):
        family, revision, containers = self.containers(arn)
        serving = [c for c in containers if c.get("portMappings")]
        container = next((c for c in serving if self.container_name in (None, c["name"])), None)
        if container is None or (self.container_name is None and len(serving) != 1):
            die(f"{self.name}: the origin sends to container {self.container_name or 'with a port'}, which {family} "
                f"does not have (or has {len(serving)} of)")
        ports = [m["containerPort"] for m in container.get("portMappings", [])]
        if self.container_port not in ports:
            die(f"{self.name}: the origin sends to port {self.container_port}; the container maps {ports}")
        self.stop_timeout = container.get("stopTimeout", 30)
        tasks = [Task(self.ctx, family, revision, container, f"{label}{n}") for n in range(count)]
        agents = metrics_agent.agents_of(containers, container) if self.ctx.receiver else []
        for task in tasks:
            task.agents = [metrics_agent.Agent(self.ctx, task, agent) for agent in agents]
        for task in tasks:
            detail = task.wait_healthy()
            for agent in task.agents:
                agent.check_config()
            answer = self.lb.register(self.target, task, self.container_port)
            print(f"  {task.name} on {task.address}: container health check passed ({detail}); {answer}")
        self.tasks.extend(tasks)
        self.publish()
        return tasks

    def publish(self):
        if self.dns_name:
            self.dns.register(self.dns_name, [t.address for t in self.tasks])

    def stop_task(self, task):
        self.lb.deregister(self.target, task)
        self.tasks.remove(task)
        self.publish()
        code = task.stop(self.stop_timeout / TIME_SCALE * 4)
        expect(code == 0, f"{task.name} drained and exited with 0 after SIGTERM (got {code})")

    def roll_to(self, arn):
        """Replaces every task with one of `arn`, as an ECS rolling deployment with these
        minimum-healthy and maximum percentages does."""
        started = time.monotonic()
        old = list(self.tasks)
        batch = max(1, self.desired * (self.max_percent - 100) // 100)
        remaining = self.desired
        while remaining:
            count = min(batch, remaining)
            self.start_tasks(arn, count, "r")
            remaining -= count
            # Old tasks go only as new ones are healthy, never below the minimum.
            for task in old[:count]:
                self.stop_task(task)
            old = old[count:]
        for task in old:
            self.stop_task(task)
        self.task_definition = arn
        return time.monotonic() - started


def one_off_definitions(state):
    """Task definitions no service runs: the pipeline runs them as one-off tasks (migrations)."""
    used = {s["values"]["task_definition"] for s in state.of_type("aws_ecs_service")}
    return [t["values"] for t in state.of_type("aws_ecs_task_definition") if t["values"]["arn"] not in used]


def get(url, headers=None, context=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10, context=context) as r:
            return r.status, r.headers, r.read().decode(errors="replace")
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode(errors="replace")


def request(method, url, body, headers):
    """A request with a body; (status, headers, text)."""
    message = urllib.request.Request(url, data=body.encode(), headers=headers, method=method)
    try:
        with urllib.request.urlopen(message, timeout=10) as r:
            return r.status, r.headers, r.read().decode(errors="replace")
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode(errors="replace")


def post(url, body, headers):
    status, _, text = request("POST", url, body, headers)
    return status, text


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def post_form(url, fields, headers):
    """POSTs a form as a browser does and shows a redirect instead of following it."""
    body = urllib.parse.urlencode(fields).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", **headers}
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=10) as r:
            return r.status, r.headers
    except urllib.error.HTTPError as e:
        return e.code, e.headers


def post_multipart(url, fields, file, headers):
    """POSTs a form with a file input as a browser does (multipart/form-data): `fields`, then
    `file` as (name, file name, type, bytes); shows a redirect instead of following it."""
    boundary = "----FolioEdgeBoundary5qR8tW2x"
    body = b"".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
                    for k, v in fields.items())
    name, file_name, content_type, data = file
    body += (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{file_name}"\r\n'
             f"Content-Type: {content_type}\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", **headers}
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=30) as r:
            return r.status, r.headers
    except urllib.error.HTTPError as e:
        return e.code, e.headers


# --- The scenario ------------------------------------------------------------------------------

OWNER = "Ada Quill"


def owner_content(work):
    """The repository's demo content with another owner's name: what an owner's content/ holds."""
    content = work / "content"
    content.mkdir()
    for name in ("site.toml", "about.md"):
        text = (REPO / "crates" / "folio-site" / "content" / name).read_text()
        (content / name).write_text(text.replace("Jordan Avery", OWNER))
    return content


def prepare_database(ctx, state):
    """The RDS instance's database, owned by its master user as RDS creates it, with the
    master secret's user and password from the emulator."""
    rds = ctx.rds
    secret_arn = rds["master_user_secret"][0]["secret_arn"]
    master = json.loads(ctx.secrets.client.get_secret_value(SecretId=secret_arn)["SecretString"])
    user, password, dbname = master["username"], master["password"], rds["db_name"]
    quoted = password.replace("'", "''")
    ctx.cluster.psql(f'CREATE ROLE "{user}" LOGIN CREATEROLE CREATEDB PASSWORD \'{quoted}\'')
    ctx.cluster.psql(f'CREATE DATABASE "{dbname}" OWNER "{user}"')
    print(f"  database {dbname} owned by {user} (the RDS master secret's user), TLS only")


def run_one_off(ctx, family, revision, containers):
    """Runs a one-off task (the migrations) to its end; it must exit with 0."""
    for container in containers:
        task = Task(ctx, family, revision, container, "once")
        code = task.run_to_completion()
        if not expect(code == 0, f"one-off task {task.name} ({' '.join(task.argv)}) exited with {code}"
                      + ("" if code == 0 else f":\n{task.log_tail()}")):
            raise Failure(task.name)


def data_service(services):
    """The service that holds the admin token and the database: the API, or the single service."""
    found = [s for s in services.values() if s.tasks and "ADMIN_TOKEN" in s.tasks[0].env]
    if len(found) != 1:
        die(f"expected one service with the admin token, found {[s.name for s in found]}")
    return found[0]


def origin_headers(lb):
    """The custom headers CloudFront adds to each origin request (the origin secret)."""
    return {h["name"]: h["value"] for h in lb.distribution["origin"][0].get("custom_header", [])}


def check_through_the_edge(args, ctx, lb, services):
    api = data_service(services)
    token = api.tasks[0].env["ADMIN_TOKEN"]
    verify = subprocess.run([str(args.binary), "verify", lb.cdn_url, "--timeout", "10"], capture_output=True, text=True)
    print(verify.stdout.rstrip())
    expect(verify.returncode == 0, f"folio verify {lb.cdn_url} (through the generated CloudFront and {lb.origin.kind}) passes"
           + ("" if verify.returncode == 0 else f": {verify.stderr}"))
    status, _, body = get(lb.cdn_url + "/")
    expect(status == 200 and OWNER in body, f"the home page through the edge shows the owner's name ({OWNER}), not the demo's")
    expect("Jordan Avery" not in body, "and nothing of the built-in demo owner")
    for path in ("/", "/api/projects"):
        status, _, body = get(lb.origin_url + path, context=lb.client_tls())
        expect(status == 403, f"the origin ({lb.origin.kind}) answers {path} without the origin header with 403 (got {status})")
    status, _, _ = get(lb.cdn_url + "/api/metrics")
    expect(status == 404, f"/api/metrics through the edge is 404 (got {status})")
    status, _, body = get(f"http://{api.tasks[0].address}:{api.container_port}/api/metrics")
    expect(status == 200 and "http_requests_total" in body, "a task's own /api/metrics answers (Prometheus scrapes tasks directly)")
    admin_through_the_edge(lb, api, token)
    owner_manages_through_the_edge(lb, api, token)
    title = f"Deployed {ctx.work.name}"
    status, body = post(lb.cdn_url + "/api/projects", json.dumps({"title": title, "description": "Through the edge"}),
                        {"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    expect(status == 201, f"a project written through the edge with the emulator's ADMIN_TOKEN is stored (got {status}: {body[:200]})")
    status, body = at_the_origin(lb, "/projects", lambda status, body: title in body)
    reader = "the site (folio site) shows it on /projects, read from the API at its Cloud Map name"
    if len(services) == 1:
        reader = "the site shows it on /projects (folio serve reads the API in-process)"
    expect(title in body, reader)
    cached = [b for b in lb.distribution.get("ordered_cache_behavior", [])
              if CACHE_POLICIES.get(b.get("cache_policy_id")) and b["path_pattern"].startswith("/assets/")]
    for behaviour in cached:
        asset = re.search(r'href="(/assets/[^"]+)"', get(lb.cdn_url + "/")[2])
        if not asset or not re.match(glob_regex(behaviour["path_pattern"]), asset.group(1)):
            continue
        get(lb.cdn_url + asset.group(1))
        status, headers, _ = get(lb.cdn_url + asset.group(1))
        expect(headers.get("X-Cache") == "HIT", f"{asset.group(1)} is served from the edge cache the second time "
               f"({behaviour['path_pattern']}, got X-Cache {headers.get('X-Cache')})")


# How stale an answer the edge may serve: s-maxage plus stale-while-revalidate, at most this
# (docs/edge-load.md, "How fresh"). A second cache layer (CloudFront's regional caches) can
# double it; the stand-in has one.
EDGE_BOUND_SECONDS = 60


def kept_for(headers):
    """s-maxage + stale-while-revalidate of a Cache-Control, or None when it lets no shared cache keep it."""
    value = headers.get("Cache-Control") or ""
    fields = dict(re.findall(r"([a-z-]+)=(\d+)", value))
    if "s-maxage" not in fields or "no-store" in value or "private" in value:
        return None
    return int(fields["s-maxage"]) + int(fields.get("stale-while-revalidate", 0))


def edge_caching(ctx, lb, services):
    """Pages and the project list come from the edge within the bound, whatever the query
    string; writes, the admin's reads, the contact form and health checks always reach the origin."""
    token = data_service(services).tasks[0].env["ADMIN_TOKEN"]
    auth = {"Authorization": f"Bearer {token}"}
    for path in ("/", "/about", "/projects", "/api/projects"):
        get(lb.cdn_url + path)
        status, headers, _ = get(lb.cdn_url + path)
        seconds = kept_for(headers)
        expect(status == 200 and headers.get("X-Cache") == "HIT" and seconds is not None and seconds <= EDGE_BOUND_SECONDS,
               f"{path}: the edge answers again from its copy (X-Cache {headers.get('X-Cache')}), kept at most "
               f"{seconds} s by the origin's Cache-Control (bound {EDGE_BOUND_SECONDS} s)")
    status, headers, _ = get(lb.cdn_url + "/about?utm_source=a-visitor")
    expect(headers.get("X-Cache") == "HIT", f"a query string is not in the cache key: /about?... is the same copy "
           f"(X-Cache {headers.get('X-Cache')})")
    body = json.dumps({"title": "Twice", "description": "The same write, twice"})
    ids = []
    for _ in range(2):
        status, _, answer = request("POST", lb.cdn_url + "/api/projects", body, {"Content-Type": "application/json", **auth})
        ids.append(json.loads(answer).get("id") if status == 201 else status)
    expect(len(set(ids)) == 2 and all(isinstance(i, str) for i in ids), f"two identical writes through the edge both reach the origin: {ids}")
    for path, headers in (("/api/contact-messages", auth), ("/contact", {}), ("/health", {}), ("/api/health", {})):
        answers = [get(lb.cdn_url + path, headers=headers) for _ in range(2)]
        caches = [h.get("X-Cache") for _, h, _ in answers]
        expect(all(s == 200 for s, _, _ in answers) and caches == ["BYPASS", "BYPASS"],
               f"{path} is never kept by the edge (X-Cache {caches})")


class EdgeFreshness:
    """A write by the owner, and how long the edge goes on serving the list without it: polled in
    the background while the rollouts run, so that waiting out the bound costs no time."""

    def __init__(self, lb, services):
        self.lb, self.seen, self.stale = lb, None, 0
        token = data_service(services).tasks[0].env["ADMIN_TOKEN"]
        get(lb.cdn_url + "/api/projects")
        self.title = f"Fresh {int(time.time())}"
        status, _, _ = request("POST", lb.cdn_url + "/api/projects", json.dumps({"title": self.title, "description": "x"}),
                               {"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
        self.written = time.monotonic()
        expect(status == 201, f"the owner writes {self.title!r} through the edge (got {status})")
        self.thread = threading.Thread(target=self.poll, daemon=True)
        self.thread.start()

    def poll(self):
        deadline = self.written + EDGE_BOUND_SECONDS + 15
        while time.monotonic() < deadline:
            status, _, body = get(self.lb.cdn_url + "/api/projects")
            if status == 200 and self.title in body:
                self.seen = time.monotonic() - self.written
                return
            self.stale += status == 200
            time.sleep(0.5)

    def finish(self):
        self.thread.join()
        expect(self.stale > 0, f"after the write the edge went on serving its copy of /api/projects ({self.stale} times)")
        expect(self.seen is not None and self.seen <= EDGE_BOUND_SECONDS,
               f"and the new project showed at the edge {self.seen if self.seen is None else round(self.seen, 1)} s "
               f"after the write (bound {EDGE_BOUND_SECONDS} s)")


def admin_through_the_edge(lb, api, token):
    """The owner signs in through the generated CloudFront and ALB (which send /admin* to the API),
    as a browser at the public address does: its Origin is PUBLIC_BASE_URL."""
    origin = api.tasks[0].env["PUBLIC_BASE_URL"]
    status, headers, body = get(lb.cdn_url + "/admin/login")
    expect(status == 200 and 'name="token"' in body and headers.get("Cache-Control") == "no-store",
           f"the admin's sign-in page answers through the edge, uncacheable (got {status}, {headers.get('Cache-Control')})")
    status, headers = post_form(lb.cdn_url + "/admin/login", {"token": token}, {"Origin": "https://evil.example"})
    expect(status == 403, f"a sign-in posted from another origin is refused through the edge (got {status})")
    status, headers = post_form(lb.cdn_url + "/admin/login", {"token": token}, {"Origin": origin})
    cookie = (headers.get("Set-Cookie") or "").split(";")[0]
    expect(status == 303 and cookie.startswith("folio_admin="),
           f"signing in through the edge with the ADMIN_TOKEN sets the session cookie (got {status})")
    status, headers, body = get(lb.cdn_url + "/admin", {"Cookie": cookie})
    expect(status == 200 and "You are signed in" in body and headers.get("Cache-Control") == "no-store",
           f"the cookie reaches the API through CloudFront and the ALB: the admin opens (got {status})")


def at_the_origin(lb, path, done, seconds=15):
    """Reads `path` where a miss of the edge goes (the edge may hold a page for its bound; see
    edge_caching) until `done(status, body)` or `seconds` pass (the site's cache of the API's
    list in the split deployment); (status, body) of the last read."""
    deadline = time.monotonic() + seconds
    while True:
        status, _, body = get(lb.origin_url + path, headers=origin_headers(lb), context=lb.client_tls())
        if done(status, body) or time.monotonic() > deadline:
            return status, body
        time.sleep(0.5)


def owner_manages_through_the_edge(lb, api, token):
    """What an owner does from a phone, through the generated CloudFront and load balancer: signs
    in, creates a project from the admin's form with its own address, sees it on the site there,
    hides it, deletes it, opens the inbox, edits the site content, signs out; a signed-out cookie
    then opens nothing, on whichever API task the balancer picks."""
    origin = {"Origin": api.tasks[0].env["PUBLIC_BASE_URL"]}
    _, headers = post_form(lb.cdn_url + "/admin/login", {"token": token}, origin)
    session = {"Cookie": (headers.get("Set-Cookie") or "").split(";")[0]}
    status, headers, body = get(lb.cdn_url + "/admin/projects", session)
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', body)
    if not expect(status == 200 and csrf and headers.get("Cache-Control") == "no-store",
                  f"the admin's project list opens through the edge, uncacheable (got {status})"):
        return
    csrf = {"csrf": csrf.group(1)}
    title, slug = "Made at the edge", "made-at-the-edge"
    form = {**csrf, "title": title, "slug": slug, "description": "From the *admin's* form", "visible": "on"}
    status, headers = post_form(lb.cdn_url + "/admin/projects", form, {**session, **origin})
    expect(status == 303 and headers.get("Location") == "/admin/projects?done=created",
           f"a project created from the admin's form through the edge is stored (got {status})")
    status, body = at_the_origin(lb, f"/projects/{slug}", lambda status, body: status == 200)
    expect(status == 200 and f"<h1>{title}</h1>" in body and "<em>admin's</em>" in body,
           f"the site shows it at /projects/{slug}, its Markdown rendered (got {status})")
    _, _, listing = get(lb.cdn_url + "/admin/projects", session)
    found = re.search(r'href="/admin/projects/([0-9a-f-]{36})" aria-label="Edit ' + re.escape(title) + '"', listing)
    if not expect(found, "the admin's list links to the new project's form"):
        return
    project = f"/admin/projects/{found.group(1)}"
    status, headers = post_form(lb.cdn_url + project + "/visibility", {**csrf, "value": "hide"}, {**session, **origin})
    expect(status == 303 and headers.get("Location") == "/admin/projects?done=hidden", f"hiding it answers 303 (got {status})")
    status, _ = at_the_origin(lb, f"/projects/{slug}", lambda status, body: status == 404)
    expect(status == 404, f"a hidden project's page is gone from the site (got {status})")
    status, headers = post_form(lb.cdn_url + project + "/delete", csrf, {**session, **origin})
    expect(status == 303 and headers.get("Location") == "/admin/projects?done=deleted", f"deleting it answers 303 (got {status})")
    photo_through_the_edge(lb, session, origin, csrf)
    status, headers, body = get(lb.cdn_url + "/admin/inbox", session)
    expect(status == 200 and "<h1>Inbox</h1>" in body and headers.get("Cache-Control") == "no-store",
           f"the inbox opens through the edge, uncacheable (got {status})")
    edits_the_site_content(lb, session, origin, csrf)
    status, headers = post_form(lb.cdn_url + "/admin/logout", csrf, {**session, **origin})
    expect(status == 303 and headers.get("Location") == "/admin/login?signed_out=1", f"signing out answers 303 (got {status})")
    refused = [post_form(lb.cdn_url + "/admin/projects", form, {**session, **origin}) for _ in range(4)]
    answers = [(status, headers.get("Location")) for status, headers in refused]
    _, _, stored = get(lb.cdn_url + "/api/projects?include=hidden", {"Authorization": f"Bearer {token}"})
    expect(all(answer == (303, "/admin/login") for answer in answers) and title not in stored,
           f"the signed-out cookie creates nothing on any API task: sent to sign in each time (got {answers})")


def photo_through_the_edge(lb, session, origin, csrf):
    """A project given a photo from the admin's form through the edge (the form's upload reaches
    the API); the site's page names its variants; a variant comes from the API (the balancer
    sends /media/* there) as immutable, and from the edge's cache the second time; deleting the
    project from the admin deletes its photo at the origin."""
    title, slug = "Pictured at the edge", "pictured-at-the-edge"
    fields = {**csrf, "title": title, "slug": slug, "description": "With a photo", "visible": "on", "imageAlt": "A gradient"}
    status, headers = post_multipart(lb.cdn_url + "/admin/projects", fields, ("photo", "edge.png", "image/png", harness.png(640, 480)),
                                     {**session, **origin})
    expect(status == 303 and headers.get("Location") == "/admin/projects?done=created",
           f"a project with a photo uploaded from the admin's form through the edge is stored (got {status})")
    status, body = at_the_origin(lb, f"/projects/{slug}", lambda status, body: status == 200)
    variant = re.search(r'srcset="(/media/[0-9a-f-]{36}/480w\.webp) 480w, /media/[0-9a-f-]{36}/640w\.webp 640w"', body)
    if not expect(status == 200 and variant and 'alt="A gradient"' in body,
                  f"the project's page names the photo's variants in srcset (got {status})"):
        return
    first = get(lb.cdn_url + variant.group(1))
    second = get(lb.cdn_url + variant.group(1))
    expect(first[0] == 200 and first[1].get("Content-Type") == "image/webp" and "immutable" in (first[1].get("Cache-Control") or ""),
           f"{variant.group(1)} comes from the API through the edge, immutable (got {first[0]}, {first[1].get('Cache-Control')})")
    expect(second[1].get("X-Cache") == "HIT", f"and from the edge's cache the second time (got X-Cache {second[1].get('X-Cache')})")
    _, _, listing = get(lb.cdn_url + "/admin/projects", session)
    found = re.search(r'href="/admin/projects/([0-9a-f-]{36})" aria-label="Edit ' + re.escape(title) + '"', listing)
    if not expect(found, "the admin's list links to the pictured project"):
        return
    status, _ = post_form(lb.cdn_url + f"/admin/projects/{found.group(1)}/delete", csrf, {**session, **origin})
    gone, _, _ = get(lb.origin_url + variant.group(1), headers=origin_headers(lb), context=lb.client_tls())
    expect(status == 303 and gone == 404, f"deleting the project deletes its photo at the origin (got {status}, then {gone})")


def edits_the_site_content(lb, session, origin, csrf):
    """The owner changes their headline in the admin's site content form, filled with what the
    API task's database holds (seeded from the image's content/); the site shows the change."""
    status, _, body = get(lb.cdn_url + "/admin/site", session)
    fields = {name: html.unescape(value) for name, value in
              re.findall(r'<input id="[a-z_]+" name="([a-z_]+)" type="[a-z]+" maxlength="\d+" required value="([^"]*)"', body)}
    fields.update({name: html.unescape(value) for name, value in
                   re.findall(r'<textarea id="[a-z_]+" name="([a-z_]+)" rows="\d+"[^>]*>(.*?)</textarea>', body, re.S)})
    if not expect(status == 200 and fields.get("name") == OWNER and "biography" in fields,
                  f"the admin's site content form opens through the edge with the owner's content ({fields.get('name')!r})"):
        return
    headline = "Edited from the edge"
    status, headers = post_form(lb.cdn_url + "/admin/site", {**csrf, **fields, "headline": headline}, {**session, **origin})
    expect(status == 303 and headers.get("Location") == "/admin/site?done=saved",
           f"the site content saved from the admin's form is stored (got {status})")
    status, body = at_the_origin(lb, "/", lambda status, body: headline in body)
    expect(status == 200 and headline in body and OWNER in body,
           f"the home page shows the new headline within the site's cache time (got {status})")


def rollout(args, ctx, lb, services, tag, what):
    """deploy.py registers revisions with `tag` and updates the services in the emulator;
    each service here then rolls to what the emulator says it runs, under load."""
    cluster = ctx.state.one("aws_ecs_cluster")["name"]
    parameter = args.tag_parameter
    cmd = [sys.executable, str(REPO / "infra" / "deploy" / "deploy.py"), "--cluster", cluster,
           "--tag-parameter", parameter, "--tag", tag]
    for service in services.values():
        cmd += ["--service", service.name]
    paths = ("/", "/api/projects", "/projects", "/about", "/api/health")
    load = harness.start_load(args.rate, args.load_seconds, [("GET", lb.cdn_url + p) for p in paths], timeout=10)
    time.sleep(1)
    ecs = boto3.client("ecs")
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        die(f"deploy.py failed: {out.stdout}{out.stderr}")
    durations = {}
    # The pipeline's first step: the migrations of the new release, as a one-off task of a new
    # revision, before any service moves. (deploy.py --migration-family does this with RunTask,
    # which moto cannot run for awsvpc tasks; the revision is registered the same way.)
    for definition in one_off_definitions(ctx.state):
        revision = deploy.register(ecs, definition["family"], tag)
        described = ecs.describe_task_definition(taskDefinition=revision)["taskDefinition"]
        run_one_off(ctx, described["family"], described["revision"], described["containerDefinitions"])
    # Dependencies first: the service others reach by its Cloud Map name.
    for service in sorted(services.values(), key=lambda s: s.dns_name is None):
        described = ecs.describe_services(cluster=cluster, services=[service.name])["services"][0]
        arn = described["taskDefinition"]
        image = ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]["containerDefinitions"][0]["image"]
        expect(image.endswith(":" + tag), f"{service.name}: the emulator's service now names {arn.split('/')[-1]} ({image.split('/')[-1]})")
        durations[service.name] = service.roll_to(arn)
    summary, _ = harness.finish_load(load)
    times = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in durations.items())
    print(f"  {what}: {times}; under load {summary['sent']} requests, {summary['failed']} failed, "
          f"{summary['errors']} unanswered {summary['error_kinds'] or ''}, p99 {summary['p99_ms']:.1f} ms; "
          f"statuses {summary['statuses']}")
    if not expect(summary["failed"] == 0 and summary["errors"] == 0, f"{what}: zero failed requests through the edge"):
        print("  the load balancer's error log:\n" + (lb.dir / "error.log").read_text()[-3000:])


def database_outage(ctx, lb, services):
    """The database stops. The API must stay in rotation (its target group accepts 503, or,
    behind API Gateway, its container check alone decides and --liveness passes), answer 503
    fast, and log the line the database-unavailable alarm's metric filter counts; the site keeps
    serving, and the edge keeps serving its copy of the project list. Then the database returns."""
    api = data_service(services)
    group = lb.groups[api.target]
    alarm_filters = [f["values"] for f in ctx.state.of_type("aws_cloudwatch_log_metric_filter")]
    if not expect(len(alarm_filters) == 1, f"one log metric filter (the database-unavailable alarm's), found {len(alarm_filters)}"):
        return
    pattern = LogPattern(alarm_filters[0]["pattern"])
    before = sum(pattern.matches(e) for t in api.tasks for e in json_events(t.log_path))
    ctx.cluster.halt()
    try:
        deadline = time.monotonic() + 20
        answers = []
        while time.monotonic() < deadline:
            answers = [group.probe(t) if hasattr(group, "probe") else (True, direct_status(t, api)) for t in api.tasks]
            if all(status == 503 for _, status in answers):
                break
            time.sleep(0.3)
        if hasattr(group, "probe"):
            expect(all(ok and status == 503 for ok, status in answers),
                   f"database down: the API target group's check gets 503 and keeps every API task in rotation ({answers})")
        checks = [t.health_check() for t in api.tasks]
        expect(all(ok for ok, _ in checks), f"and each API container's own health check passes (alive): {checks}")
        if not hasattr(group, "probe"):
            expect(all(ok for ok, _ in checks) and all(t in group.targets for t in api.tasks),
                   f"database down: every task stays registered in Cloud Map {group.name} (ECS keeps a task whose "
                   f"container check passes), so API Gateway keeps sending to it ({answers})")
        status, headers, _ = get(lb.origin_url + "/api/projects", headers=origin_headers(lb), context=lb.client_tls())
        expect(status == 503 and "Retry-After" in headers, f"/api/projects at the origin answers 503 with Retry-After (got {status})")
        status, _, body = get(lb.cdn_url + "/api/projects")
        expect(status == 200 and body.startswith("["), f"and the edge keeps answering with its copy of the list "
               f"(stale-if-error; got {status})")
        status, _, body = get(lb.cdn_url + "/")
        expect(status == 200 and OWNER in body, f"the site's home page still answers 200 (got {status})")
        time.sleep(1)
        for task in api.tasks:
            task.log.flush()
        during = sum(pattern.matches(e) for t in api.tasks for e in json_events(t.log_path)) - before
        expect(before == 0, f"no API log line matched {pattern.text} while the database was up ({before})")
        expect(during > 0, f"the API logged {during} lines the database-unavailable metric filter counts")
    finally:
        ctx.cluster.resume()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and get(lb.cdn_url + "/api/health")[0] != 200:
        time.sleep(0.3)
    expect(get(lb.cdn_url + "/api/health")[0] == 200, "the database is back: /api/health answers 200 again, no task replaced")


def direct_status(task, service):
    """What the task's own health endpoint answers (no load balancer probes behind API Gateway)."""
    return get(f"http://{task.address}:{service.container_port}/api/health")[0]


def network_paths(state, lb):
    """Where each service's tasks can reach and be reached from, read from the state: every
    subnet routes 0.0.0.0/0 through a NAT gateway, or through the internet gateway for tasks with
    a public address of their own (no NAT); HTTPS (ECR, Secrets Manager, CloudWatch Logs) is open
    outbound; inbound only the origin (the ALB's or the VPC link's group), the role that calls
    this one, and monitoring."""
    routes = {}
    for route in state.of_type("aws_route"):
        if route["values"].get("destination_cidr_block") == "0.0.0.0/0":
            routes[route["values"]["route_table_id"]] = route["values"]
    tables = {a["values"]["subnet_id"]: a["values"]["route_table_id"] for a in state.of_type("aws_route_table_association")}
    origin_groups = {g for lb_values in state.of_type("aws_lb") for g in lb_values["values"]["security_groups"]}
    origin_groups |= {g for link in state.of_type("aws_apigatewayv2_vpc_link") for g in link["values"]["security_group_ids"]}
    task_groups = {g for svc in state.of_type("aws_ecs_service") for g in svc["values"]["network_configuration"][0]["security_groups"]}
    rules = [r["values"] | {"kind": r["type"]} for r in state.of_type("aws_vpc_security_group_ingress_rule")
             + state.of_type("aws_vpc_security_group_egress_rule")]
    for service in state.of_type("aws_ecs_service"):
        network = service["values"]["network_configuration"][0]
        name, public = service["values"]["name"], network["assign_public_ip"]
        ways = set()
        for subnet in network["subnets"]:
            route = routes.get(tables.get(subnet), {})
            ways.add("NAT" if route.get("nat_gateway_id") else "internet gateway" if route.get("gateway_id") else "none")
        through = ways.pop() if len(ways) == 1 else f"mixed {sorted(ways)}"
        expect(through == "NAT" or (through == "internet gateway" and public),
               f"{name}: the tasks' subnets route to the internet through the {through}"
               + (" and each task has a public address" if public else ""))
        groups = set(network["security_groups"])
        egress = [r for r in rules if r["kind"].endswith("egress_rule") and r["security_group_id"] in groups]
        expect(any(r.get("cidr_ipv4") == "0.0.0.0/0" and r["from_port"] <= 443 <= r["to_port"] for r in egress),
               f"{name}: HTTPS is open outbound, so ECR pulls, Secrets Manager and CloudWatch Logs go the same way")
        ingress = [r for r in rules if r["kind"].endswith("ingress_rule") and r["security_group_id"] in groups]
        strangers = [r for r in ingress if r.get("cidr_ipv4") in ("0.0.0.0/0", None) and r.get("prefix_list_id") is None
                     and r.get("referenced_security_group_id") not in origin_groups | task_groups
                     and not r.get("description", "").startswith("Metrics")]
        expect(ingress and not strangers and not any(r.get("cidr_ipv4") == "0.0.0.0/0" for r in ingress),
               f"{name}: inbound only from the {lb.origin.kind}, the services that call it and monitoring "
               f"({len(ingress)} rules{'; others: ' + str(strangers) if strangers else ''})")


def smtp_port(url):
    """The port the mailer connects to for `url` (lettre's defaults when none is given)."""
    parsed = urllib.parse.urlsplit(url)
    if parsed.port:
        return parsed.port
    if parsed.scheme == "smtps":
        return 465
    return 587 if "tls=required" in (parsed.query or "") else 25


def contact_mail(ctx, lb, services):
    """With mail enabled: the SMTP_URL's port is one the API's security group lets out, and a
    message sent with the site's contact form reaches the mail server (a local SMTP sink
    standing where the provider would be) addressed to CONTACT_TO."""
    api = data_service(services)
    env = api.tasks[0].env
    if "SMTP_URL" not in env:
        expect("CONTACT_TO" not in env and "CONTACT_FROM" not in env,
               "mail disabled: no SMTP_URL, and no CONTACT_TO or CONTACT_FROM either (the binary refuses them alone)")
        return
    port = smtp_port(env["SMTP_URL"])
    groups = set(ctx.state.one("aws_ecs_service", name=api.name)["network_configuration"][0]["security_groups"])
    egress = [r["values"] for r in ctx.state.of_type("aws_vpc_security_group_egress_rule") if r["values"]["security_group_id"] in groups]
    open_ports = sorted({r["from_port"] for r in egress if r.get("cidr_ipv4") == "0.0.0.0/0"})
    expect(any(r.get("cidr_ipv4") == "0.0.0.0/0" and r["from_port"] <= port <= r["to_port"] for r in egress),
           f"the mailer's port {port} (from SMTP_URL) is open in the API's security group (open to the internet: {open_ports})")
    if ctx.smtp is None:
        print(f"  SMTP_URL names {urllib.parse.urlsplit(env['SMTP_URL']).hostname}, not a local sink: no mail sent")
        return
    subject = f"Deployed {ctx.work.name}"
    form = urllib.parse.urlencode({"name": "Visitor", "email": "visitor@example.com", "subject": subject,
                                   "message": "Sent through the edge to the owner's mail server.", "website": ""})
    status, _ = post(lb.cdn_url + "/contact", form, {"Content-Type": "application/x-www-form-urlencoded"})
    expect(status == 200, f"the contact form through the edge ends on the thanks page (got {status})")
    deadline, mails = time.monotonic() + 20, []
    while time.monotonic() < deadline and not mails:
        time.sleep(0.3)
        mails = [json.loads(line) for line in ctx.smtp_file.read_text().splitlines()[1:] if subject in line]
    expect(len(mails) == 1 and env["CONTACT_TO"] in " ".join(mails[0]["to"]) if mails else False,
           f"the outbox e-mailed the owner ({env['CONTACT_TO']}) through the SMTP server in SMTP_URL")


def rotate_master_password(args, ctx, lb, services):
    """What RDS does every week: a new master password in the database and in its secret.
    The API logs in as its own role, so it loses nothing, even when its pool must open new
    connections (idle ones are closed here to force that); the next migration task reads the
    new secret."""
    secret_arn = ctx.rds["master_user_secret"][0]["secret_arn"]
    master = json.loads(ctx.secrets.client.get_secret_value(SecretId=secret_arn)["SecretString"])
    new = {**master, "password": f"rotated-{int(time.time())}-Pass!"}
    paths = ("/", "/api/projects", "/projects", "/api/health")
    load = harness.start_load(args.rate, 6, [("GET", lb.cdn_url + p) for p in paths], timeout=10)
    time.sleep(1)
    ctx.cluster.psql(f"ALTER ROLE \"{master['username']}\" PASSWORD '{new['password']}'")
    ctx.secrets.client.put_secret_value(SecretId=secret_arn, SecretString=json.dumps(new))
    api_users = {t.env.get("DB_USERNAME") for s in services.values() for t in s.tasks if "DB_USERNAME" in t.env}
    for user in api_users:
        ctx.cluster.psql(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{user}' AND state = 'idle'")
    summary, _ = harness.finish_load(load)
    alive = all(t.exited() is None for s in services.values() for t in s.tasks)
    print(f"  master password rotated under load (the API logs in as {', '.join(sorted(api_users))}): "
          f"{summary['sent']} requests, {summary['failed']} failed, {summary['errors']} unanswered")
    expect(master["username"] not in api_users, "the API does not log in as the master user")
    expect(summary["failed"] == 0 and summary["errors"] == 0 and alive,
           "a rotation of the RDS master password under load loses no request and stops no task")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--state", required=True, help="terraform show -json of the applied environment")
    parser.add_argument("--label", required=True, help="the environment's name, for the report")
    parser.add_argument("--binary", required=True, type=Path, help="the release binary (scripts/build-release)")
    parser.add_argument("--work", required=True, type=Path, help="an empty directory for this run")
    parser.add_argument("--tag-parameter", required=True, help="the SSM parameter deploy.py records the tag in")
    parser.add_argument("--content", type=Path, help="the owner's content (default: the demo with another owner)")
    parser.add_argument("--rate", type=int, default=150, help="requests per second during rollouts")
    parser.add_argument("--load-seconds", type=int, default=12)
    args = parser.parse_args(argv)
    for tool in ("nginx", "dnsmasq", "unshare", "chroot"):
        harness.require(tool, "scripts/setup installs it")
    if os.geteuid() != 0:
        sys.exit("containers.py needs root (chroot and mounts, as scripts/image-test)")
    args.work.mkdir(parents=True, exist_ok=True)
    args.work.chmod(0o755)
    args.content = args.content or owner_content(args.work)
    state = State(args.state)
    started = time.monotonic()
    harness.say(f"{args.label}: every container of every task definition, run by the release binary")
    cluster = harness.Cluster(args.work)
    ctx = dns = lb = None
    services = {}
    try:
        ctx = Context(args, state, cluster)
        prepare_database(ctx, state)
        dns = Dns(args.work, ctx.image)
        lb = LoadBalancer(args.work, state, TIME_SCALE)
        print(f"  the edge from the state: CloudFront, then the {lb.describe()}")
        architectures = {p["cpu_architecture"] for d in state.of_type("aws_ecs_task_definition")
                         for p in d["values"].get("runtime_platform") or []}
        if architectures - {"X86_64"}:
            print(f"  the task definitions ask for {', '.join(sorted(architectures))}: in AWS the pipeline's image of "
                  "that architecture runs them; here the x86_64 build of the same commit does")
        network_paths(state, lb)
        for definition in one_off_definitions(state):
            run_one_off(ctx, definition["family"], definition["revision"], json.loads(definition["container_definitions"]))
        for values in sorted((s["values"] for s in state.of_type("aws_ecs_service")), key=lambda v: not v.get("service_registries")):
            service = Service(ctx, values, lb, dns)
            services[service.name] = service
            service.start_tasks(service.task_definition, service.desired, "t")
        check_through_the_edge(args, ctx, lb, services)
        edge_caching(ctx, lb, services)
        contact_mail(ctx, lb, services)
        database_outage(ctx, lb, services)
        freshness = EdgeFreshness(lb, services)
        previous = boto3.client("ssm").get_parameter(Name=args.tag_parameter)["Parameter"]["Value"] \
            if args.tag_parameter in [p["Name"] for p in boto3.client("ssm").describe_parameters()["Parameters"]] else "initial"
        new_tag = f"rollout{int(time.time())}"
        rollout(args, ctx, lb, services, new_tag, f"rollout to {new_tag}")
        rotate_master_password(args, ctx, lb, services)
        rollout(args, ctx, lb, services, previous, f"rollback to {previous}")
        freshness.finish()
        # Last, since it waits for scrapes (the edge's copies would go stale meanwhile), and so on
        # the tasks of the revision deploy.py registered and rolled back to.
        if ctx.receiver:
            metrics_agent.check(ctx, services)
        else:
            metrics_agent.no_agents(state)
        harness.say(f"{args.label}: stopping every task")
        for service in services.values():
            for task in list(service.tasks):
                service.stop_task(task)
    except Failure:
        pass
    finally:
        for service in services.values():
            for task in service.tasks:
                if task.exited() is None:
                    task.proc.kill()
                for agent in task.agents:
                    agent.stop(timeout=0)
        for part in (lb, dns, ctx and ctx.receiver):
            if part:
                part.close()
        if ctx and ctx.smtp:
            ctx.smtp.kill()
        cluster.close()
    print(f"{args.label}: containers test took {time.monotonic() - started:.0f} s; {len(FAILURES)} failed")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
