#!/usr/bin/env python3
"""Runs every container Terraform defines, the way ECS would, with the real binary.

The emulator (moto) stores task definitions but never runs them, so a task definition the
binary refuses would pass an apply and crash-loop in AWS. This test closes that gap. From a
state applied against the emulator (`terraform show -json`) it takes, for every container of
every `aws_ecs_task_definition`, the command, the environment verbatim, the secrets resolved
from the emulator's Secrets Manager and the port, and runs the release binary with them in the
image's root (scripts/imageroot.py: the image's user, read-only root, the image's ENV). It
runs each container's own health check command as ECS does (exec form, inside the container)
and requires exit 0. In front it puts a load balancer generated from the same state: the
ALB's listener and rules (priorities, path patterns, the origin-secret header, the default
403), its target groups' health checks, and a CloudFront layer from the distribution's
origin headers and cache behaviours. Through that it runs `folio verify`, signs in to the
admin (/admin is routed to the API) and is refused from another origin, checks that the
owner's content is what the site shows, then rolls out a new task-definition revision
registered by infra/deploy/deploy.py and rolls it back, under load, counting failures.

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
import ipaddress
import json
import os
import re
import signal
import ssl
import subprocess
import sys
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
from imageroot import ImageRoot  # noqa: E402

# The compressed clock: every health-check interval and drain is divided by this.
TIME_SCALE = 40.0

# AWS-managed CloudFront cache policies the test knows how to behave like, by fixed ID.
CACHE_POLICIES = {
    "4135ea2d-6df8-44a3-9df3-4b5a84be39ad": None,  # CachingDisabled
    "658327ea-f89d-4fab-a63d-7e88639e58f6": {"min": 1, "default": 86400, "max": 31536000},  # CachingOptimized
}

FAILURES = []


def expect(condition, what):
    print(f"{'ok  ' if condition else 'FAIL'}  {what}", flush=True)
    if not condition:
        FAILURES.append(what)
    return condition


def die(what):
    print(f"FAIL  {what}", flush=True)
    FAILURES.append(what)
    raise Failure(what)


class Failure(Exception):
    """A requirement broken in a way that stops the scenario."""


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

    def log_tail(self, lines=15):
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
        return self.proc.returncode

    def run_to_completion(self, timeout=120):
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            die(f"{self.name} did not finish within {timeout} s:\n{self.log_tail()}")
        self.log.close()
        return code


# --- The load balancer, generated from the state ---------------------------------------------

def glob_regex(pattern):
    """An ALB or CloudFront path pattern (`*` any characters, `?` one) as a regex."""
    return "^" + "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern) + "$"


class TargetGroup:
    """An ALB target group: its health check, and the targets registered in it."""

    def __init__(self, values):
        self.arn, self.name, self.port = values["arn"], values["name"], values["port"]
        check = values["health_check"][0]
        self.path, self.matcher = check["path"], check["matcher"]
        self.interval, self.timeout = check["interval"], check["timeout"]
        self.healthy_threshold, self.unhealthy_threshold = check["healthy_threshold"], check["unhealthy_threshold"]
        self.deregistration_delay = int(values["deregistration_delay"])
        self.targets = {}  # task -> consecutive successes (>= threshold: healthy)

    def accepts(self, status):
        for part in self.matcher.split(","):
            low, _, high = part.partition("-")
            if int(low) <= status <= int(high or low):
                return True
        return False

    def probe(self, task):
        """One ALB health check of `task` on the target group's port and path."""
        try:
            with urllib.request.urlopen(f"http://{task.address}:{self.port}{self.path}", timeout=self.timeout) as r:
                status = r.status
        except urllib.error.HTTPError as e:
            status = e.code
        except OSError:
            return False, "no answer"
        return self.accepts(status), status

    def healthy(self):
        return [t for t, n in self.targets.items() if n >= self.healthy_threshold]


class LoadBalancer:
    """nginx standing in for CloudFront and the ALB, its configuration generated from the state.

    The ALB server implements the listener's rules in priority order (path patterns and the
    origin-secret header, ANDed within a rule; forward or fixed response) and its default
    action; each target group is an upstream of its healthy targets (all registered targets when
    none is healthy, as an ALB fails open). The CloudFront server adds the origin's custom
    headers and X-Forwarded-For, and follows the distribution's cache behaviours in order."""

    def __init__(self, ctx, state):
        self.ctx = ctx
        self.dir = ctx.work / "nginx"
        self.dir.mkdir()
        listeners = state.of_type("aws_lb_listener")
        if len(listeners) != 1:
            die(f"expected one ALB listener, found {len(listeners)}")
        self.listener = listeners[0]["values"]
        self.rules = sorted((r["values"] for r in state.of_type("aws_lb_listener_rule")), key=lambda r: r["priority"])
        self.groups = {tg["values"]["arn"]: TargetGroup(tg["values"]) for tg in state.of_type("aws_lb_target_group")}
        self.distribution = state.one("aws_cloudfront_distribution")
        self.alb_port, self.cdn_port = harness.free_port(), harness.free_port()
        self.origin_tls = self.check_origin_protocol()
        (self.dir / "nginx.conf").write_text(self.config())
        self.write_upstreams()
        self.cmd = ["nginx", "-p", str(self.dir), "-c", str(self.dir / "nginx.conf")]
        test = subprocess.run(self.cmd + ["-t"], capture_output=True, text=True)
        if test.returncode != 0:
            die(f"the generated nginx configuration is invalid:\n{test.stderr}")
        self.proc = subprocess.Popen(self.cmd, stderr=subprocess.PIPE)
        time.sleep(0.3)

    def check_origin_protocol(self):
        """CloudFront's origin protocol must be what the listener speaks. With HTTPS the ALB
        layer gets a certificate for the origin's name (from a CA of the test's own) and the
        CloudFront layer verifies it against that name, as CloudFront does."""
        policy = self.distribution["origin"][0]["custom_origin_config"][0]["origin_protocol_policy"]
        protocol = self.listener["protocol"]
        if (policy, protocol) not in (("http-only", "HTTP"), ("https-only", "HTTPS")):
            die(f"CloudFront connects to the origin with {policy} but the ALB listener speaks {protocol}")
        if protocol != "HTTPS":
            return None
        name = self.distribution["origin"][0]["domain_name"]
        key, cert = self.dir / "origin.key", self.dir / "origin.crt"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={name}",
                        "-addext", f"subjectAltName=DNS:{name}", "-keyout", str(key), "-out", str(cert)],
                       check=True, capture_output=True)
        return {"name": name, "key": key, "cert": cert}

    @property
    def cdn_url(self):
        return f"http://127.0.0.1:{self.cdn_port}"

    def client_tls(self):
        """For a request straight to the ALB layer: its certificate, without the name check
        (the request goes to 127.0.0.1, not to the origin's name)."""
        if not self.origin_tls:
            return None
        context = ssl.create_default_context(cafile=str(self.origin_tls["cert"]))
        context.check_hostname = False
        return context

    @property
    def origin(self):
        return "https" if self.origin_tls else "http"

    @property
    def alb_url(self):
        return f"{self.origin}://127.0.0.1:{self.alb_port}"

    def upstream(self, arn):
        return "tg_" + re.sub(r"[^a-z0-9]", "_", self.groups[arn].name.lower())

    def action(self, action):
        """nginx directives for one ALB action."""
        kind = action["type"]
        if kind == "forward":
            return f"proxy_pass http://{self.upstream(action['target_group_arn'])}$request_uri;"
        if kind == "fixed-response":
            fixed = action["fixed_response"][0]
            body = json.dumps(fixed.get("message_body") or "")
            return f"default_type {fixed['content_type']}; return {fixed['status_code']} {body};"
        die(f"the test cannot act like an ALB {kind} action")

    def rule_maps(self):
        """One nginx map per condition, one per rule (all conditions true), and the action
        chosen by the first rule that matches, in priority order."""
        maps, rule_vars = [], []
        for n, rule in enumerate(self.rules):
            parts = []
            for c, condition in enumerate(rule["condition"]):
                var = f"$r{n}_c{c}"
                if condition.get("path_pattern"):
                    lines = "".join(f'  "~{glob_regex(p)}" 1;\n' for p in condition["path_pattern"][0]["values"])
                    maps.append(f"map $path_only {var} {{\n  default 0;\n{lines}}}\n")
                elif condition.get("http_header"):
                    header = condition["http_header"][0]
                    name = "$http_" + header["http_header_name"].lower().replace("-", "_")
                    # Header values match case-insensitively, with * and ? wildcards.
                    lines = "".join(f'  "~*{glob_regex(v)}" 1;\n' for v in header["values"])
                    maps.append(f"map {name} {var} {{\n  default 0;\n{lines}}}\n")
                else:
                    die(f"the test cannot evaluate ALB condition {condition}")
                parts.append(var)
            rule_vars.append(f"$r{n}")
            maps.append(f'map "{"".join(parts)}" $r{n} {{\n  default 0;\n  "{"1" * len(parts)}" 1;\n}}\n')
        choices = "".join(f'  "~^{"." * n}1" rule{n};\n' for n in range(len(self.rules)))
        maps.append(f'map "{"".join(rule_vars)}" $alb_rule {{\n  default listener_default;\n{choices}}}\n')
        return "".join(maps)

    def alb_server(self):
        """Each rule's action, and the listener's default, is an internal location; the
        request goes to the one $alb_rule names, keeping its original URI for the target."""
        actions = {f"rule{n}": rule["action"] for n, rule in enumerate(self.rules)}
        actions["listener_default"] = self.listener["default_action"]
        locations = []
        for name, action in actions.items():
            if len(action) != 1:
                die(f"the test handles ALB rules with one action ({name} has {len(action)})")
            locations.append(f"    location = /__alb/{name} {{ internal; {self.action(action[0])} }}\n")
        tls = ""
        if self.origin_tls:
            tls = f" ssl;\n    ssl_certificate {self.origin_tls['cert']}; ssl_certificate_key {self.origin_tls['key']}"
        return (f"  server {{\n    listen 127.0.0.1:{self.alb_port}{tls};\n"
                "    proxy_http_version 1.1; proxy_set_header Connection \"\";\n"
                "    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n"
                "    proxy_set_header X-Forwarded-Proto $scheme;\n"
                "    location / { rewrite ^ /__alb/$alb_rule last; }\n" + "".join(locations) + "  }\n")

    def cdn_server(self):
        origin = self.distribution["origin"]
        if len(origin) != 1:
            die("the test handles a distribution with one origin")
        headers = "".join(f"      proxy_set_header {h['name']} {json.dumps(h['value'])};\n"
                          for h in origin[0].get("custom_header", []))
        behaviours = sorted(self.distribution.get("ordered_cache_behavior", []), key=lambda b: b.get("precedence", 0))
        locations = []
        for behaviour in [*behaviours, self.distribution["default_cache_behavior"][0]]:
            policy_id = behaviour.get("cache_policy_id")
            if policy_id not in CACHE_POLICIES:
                die(f"cache policy {policy_id} is not one the test knows (add it to CACHE_POLICIES)")
            policy = CACHE_POLICIES[policy_id]
            cache = ("      proxy_cache_bypass 1; proxy_no_cache 1;\n" if policy is None else
                     f"      proxy_cache edge; proxy_cache_key $uri; proxy_cache_valid 200 {policy['default']}s;\n")
            pattern = behaviour.get("path_pattern")
            match = f"~ {glob_regex(pattern)}" if pattern else "/"
            locations.append(f"    location {match} {{\n      proxy_pass {self.origin}://127.0.0.1:{self.alb_port};\n{headers}{cache}"
                             "      add_header X-Cache $upstream_cache_status always;\n    }\n")
        verify = ""
        if self.origin_tls:
            verify = (f"    proxy_ssl_verify on; proxy_ssl_trusted_certificate {self.origin_tls['cert']};\n"
                      f"    proxy_ssl_name {self.origin_tls['name']}; proxy_ssl_server_name on;\n")
        return (f"  server {{\n    listen 127.0.0.1:{self.cdn_port};\n{verify}"
                "    proxy_http_version 1.1; proxy_set_header Connection \"\";\n"
                "    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n"
                "    proxy_set_header Host $host;\n" + "".join(locations) + "  }\n")

    def config(self):
        d = self.dir
        return (f"daemon off;\nworker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\n"
                "events { worker_connections 4096; }\nhttp {\n  access_log off;\n"
                f"  client_body_temp_path {d}/body; proxy_temp_path {d}/proxy; fastcgi_temp_path {d}/fastcgi;\n"
                f"  uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;\n"
                f"  proxy_cache_path {d}/cache keys_zone=edge:1m;\n"
                # Clients connect per request: a reload closes idle client keep-alive connections,
                # which an ALB never does (see scripts/reliability); upstream connections are kept.
                "  keepalive_timeout 0;\n"
                "  map $request_uri $path_only { \"~^(?<p>[^?]*)\" $p; }\n"
                # An ALB does not retry a request on another target.
                "  proxy_next_upstream off;\n"
                f"  include {d}/upstreams.conf;\n" + self.rule_maps() + self.alb_server() + self.cdn_server() + "}\n")

    def write_upstreams(self):
        blocks = []
        for arn, group in self.groups.items():
            targets = group.healthy() or list(group.targets)
            servers = "".join(f"    server {t.address}:{group.port};\n" for t in targets) or "    server 127.0.0.1:9 down;\n"
            blocks.append(f"  upstream {self.upstream(arn)} {{\n{servers}    keepalive 16;\n  }}\n")
        (self.dir / "upstreams.conf").write_text("".join(blocks))

    def workers(self):
        """The nginx worker processes (the master's children) running now."""
        path = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return set(path.read_text().split()) if path.exists() else set()

    def reload(self):
        """Applies the new targets, and returns once no worker of the old configuration is
        left: `nginx -s reload` only signals the master, and on a busy machine the old workers
        may route requests to a deregistered target for a second or more. An ALB switches at
        once; this waits until nginx has too."""
        self.write_upstreams()
        before = self.workers()
        subprocess.run(self.cmd + ["-s", "reload"], check=True, capture_output=True)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            now = self.workers()
            if now and not now & before:
                return
            time.sleep(0.05)
        die("nginx did not replace its workers within 15 s of a reload")

    def register(self, arn, task):
        """Registers `task` and waits until the target group's health check finds it healthy
        `healthy_threshold` times in a row, as a new target must before it gets traffic."""
        group = self.groups[arn]
        group.targets[task] = 0
        deadline = time.monotonic() + (group.healthy_threshold + 2) * group.interval / TIME_SCALE + 20
        detail = None
        while group.targets[task] < group.healthy_threshold:
            if time.monotonic() > deadline or task.exited() is not None:
                die(f"{task.name} never passed the target group {group.name} health check "
                    f"({group.path}, matcher {group.matcher}): last answer {detail}\n{task.log_tail()}")
            ok, detail = group.probe(task)
            group.targets[task] = group.targets[task] + 1 if ok else 0
            time.sleep(group.interval / TIME_SCALE)
        self.reload()
        return detail

    def deregister(self, arn, task):
        """Takes `task` out of rotation and waits the (compressed) deregistration delay."""
        group = self.groups[arn]
        group.targets.pop(task, None)
        self.reload()
        time.sleep(group.deregistration_delay / TIME_SCALE)

    def close(self):
        self.proc.terminate()
        self.proc.wait()


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
        balancer = values["load_balancer"][0]
        self.target_group, self.container_name = balancer["target_group_arn"], balancer["container_name"]
        self.container_port = balancer["container_port"]
        self.dns_name = None
        for registry in values.get("service_registries", []):
            discovery = ctx.state.one("aws_service_discovery_service", arn=registry["registry_arn"])
            namespace = ctx.state.one("aws_service_discovery_private_dns_namespace", id=discovery["dns_config"][0]["namespace_id"])
            self.dns_name = f"{discovery['name']}.{namespace['name']}"
        self.tasks = []
        self.stop_timeout = 30

    def containers(self, arn):
        definition = boto3.client("ecs").describe_task_definition(taskDefinition=arn)["taskDefinition"]
        return definition["family"], definition["revision"], definition["containerDefinitions"]

    def start_tasks(self, arn, count, label):
        family, revision, containers = self.containers(arn)
        container = next((c for c in containers if c["name"] == self.container_name), None)
        if container is None:
            die(f"{self.name}: the load balancer names container {self.container_name}, which {family} does not have")
        ports = [m["containerPort"] for m in container.get("portMappings", [])]
        if self.container_port not in ports:
            die(f"{self.name}: the load balancer sends to port {self.container_port}; the container maps {ports}")
        self.stop_timeout = container.get("stopTimeout", 30)
        tasks = [Task(self.ctx, family, revision, container, f"{label}{n}") for n in range(count)]
        for task in tasks:
            detail = task.wait_healthy()
            answer = self.lb.register(self.target_group, task)
            print(f"  {task.name} on {task.address}: container health check passed ({detail}); "
                  f"target group health check answered {answer}")
        self.tasks.extend(tasks)
        self.publish()
        return tasks

    def publish(self):
        if self.dns_name:
            self.dns.register(self.dns_name, [t.address for t in self.tasks])

    def stop_task(self, task):
        self.lb.deregister(self.target_group, task)
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


def post(url, body, headers):
    request = urllib.request.Request(url, data=body.encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            return r.status, r.read().decode(errors="replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")


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


def check_through_the_edge(args, ctx, lb, services):
    api = next(s for s in services.values() if s.dns_name)
    token = api.tasks[0].env["ADMIN_TOKEN"]
    verify = subprocess.run([str(args.binary), "verify", lb.cdn_url, "--timeout", "10"], capture_output=True, text=True)
    print(verify.stdout.rstrip())
    expect(verify.returncode == 0, f"folio verify {lb.cdn_url} (through the generated CloudFront and ALB) passes"
           + ("" if verify.returncode == 0 else f": {verify.stderr}"))
    status, _, body = get(lb.cdn_url + "/")
    expect(status == 200 and OWNER in body, f"the home page through the edge shows the owner's name ({OWNER}), not the demo's")
    expect("Jordan Avery" not in body, "and nothing of the built-in demo owner")
    status, _, body = get(lb.alb_url + "/", context=lb.client_tls())
    expect(status == 403, f"the ALB answers a request without the origin header with 403 (got {status})")
    status, _, _ = get(lb.cdn_url + "/api/metrics")
    expect(status == 404, f"/api/metrics through the edge is 404 (got {status})")
    status, _, body = get(f"http://{api.tasks[0].address}:{api.container_port}/api/metrics")
    expect(status == 200 and "http_requests_total" in body, "a task's own /api/metrics answers (Prometheus scrapes tasks directly)")
    admin_through_the_edge(lb, api, token)
    title = f"Deployed {ctx.work.name}"
    status, body = post(lb.cdn_url + "/api/projects", json.dumps({"title": title, "description": "Through the edge"}),
                        {"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    expect(status == 201, f"a project written through the edge with the emulator's ADMIN_TOKEN is stored (got {status}: {body[:200]})")
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        status, _, body = get(lb.cdn_url + "/projects")
        if title in body:
            break
        time.sleep(0.5)
    expect(title in body, "the site (folio site) shows it on /projects, read from the API at its Cloud Map name")
    cached = [b for b in ctx.state.one("aws_cloudfront_distribution").get("ordered_cache_behavior", [])
              if CACHE_POLICIES.get(b.get("cache_policy_id"))]
    for behaviour in cached:
        asset = re.search(r'href="(/assets/[^"]+)"', get(lb.cdn_url + "/")[2])
        if not asset or not re.match(glob_regex(behaviour["path_pattern"]), asset.group(1)):
            continue
        get(lb.cdn_url + asset.group(1))
        status, headers, _ = get(lb.cdn_url + asset.group(1))
        expect(headers.get("X-Cache") == "HIT", f"{asset.group(1)} is served from the edge cache the second time "
               f"({behaviour['path_pattern']}, got X-Cache {headers.get('X-Cache')})")


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
    """The database stops. The API must stay in rotation (its target group accepts 503, its
    container check is --liveness), answer 503 fast, and log the line the database-unavailable
    alarm's metric filter counts; the site keeps serving. Then the database returns."""
    api = next(s for s in services.values() if s.dns_name)
    group = lb.groups[api.target_group]
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
            answers = [group.probe(t) for t in api.tasks]
            if all(status == 503 for _, status in answers):
                break
            time.sleep(0.3)
        expect(all(ok and status == 503 for ok, status in answers),
               f"database down: the API target group's check gets 503 and keeps every API task in rotation ({answers})")
        checks = [t.health_check() for t in api.tasks]
        expect(all(ok for ok, _ in checks), f"and each API container's own health check passes (alive): {checks}")
        status, headers, _ = get(lb.cdn_url + "/api/projects")
        expect(status == 503 and "Retry-After" in headers, f"/api/projects through the edge answers 503 with Retry-After (got {status})")
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
    api = next(s for s in services.values() if s.dns_name)
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
        lb = LoadBalancer(ctx, state)
        rules = ", ".join(f"{r['priority']}: {r['action'][0]['type']}" for r in lb.rules)
        print(f"  load balancer from the state: listener default {lb.listener['default_action'][0]['type']}, rules {rules}; "
              f"target groups " + ", ".join(f"{g.name} ({g.path} -> {g.matcher})" for g in lb.groups.values()))
        for definition in one_off_definitions(state):
            run_one_off(ctx, definition["family"], definition["revision"], json.loads(definition["container_definitions"]))
        for values in sorted((s["values"] for s in state.of_type("aws_ecs_service")), key=lambda v: not v.get("service_registries")):
            service = Service(ctx, values, lb, dns)
            services[service.name] = service
            service.start_tasks(service.task_definition, service.desired, "t")
        check_through_the_edge(args, ctx, lb, services)
        contact_mail(ctx, lb, services)
        database_outage(ctx, lb, services)
        previous = boto3.client("ssm").get_parameter(Name=args.tag_parameter)["Parameter"]["Value"] \
            if args.tag_parameter in [p["Name"] for p in boto3.client("ssm").describe_parameters()["Parameters"]] else "initial"
        new_tag = f"rollout{int(time.time())}"
        rollout(args, ctx, lb, services, new_tag, f"rollout to {new_tag}")
        rotate_master_password(args, ctx, lb, services)
        rollout(args, ctx, lb, services, previous, f"rollback to {previous}")
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
        for part in (lb, dns):
            if part:
                part.close()
        if ctx and ctx.smtp:
            ctx.smtp.kill()
        cluster.close()
    print(f"{args.label}: containers test took {time.monotonic() - started:.0f} s; {len(FAILURES)} failed")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
