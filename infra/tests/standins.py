"""The edge in front of the tasks, generated from a state: nginx standing in for CloudFront and
for the origin CloudFront forwards to, either an ALB or API Gateway's HTTP API.

The ALB stand-in implements the listener's rules in priority order (path patterns and the
origin-secret header, ANDed within a rule; forward or fixed response) and its default action;
each target group is an upstream of its healthy targets (all registered targets when none is
healthy, as an ALB fails open). The HTTP API stand-in implements the routes ($default, exact
paths, greedy {proxy+} paths), each to its integration: HTTP_PROXY through the VPC link to the
tasks registered in a Cloud Map service, at the port ECS registered (the SRV record), with
`overwrite:path` parameter mappings; it appends to X-Forwarded-For and checks no header (behind
it the binary checks the origin secret). The CloudFront stand-in adds the origin's custom headers
and X-Forwarded-For, sends the origin's name as Host, and follows the distribution's cache
behaviours in order: the allowed methods, the cache policy (CACHE_POLICIES: what is in the key,
how long the origin's Cache-Control lets it keep an answer, stale-while-revalidate and
stale-if-error) and the origin request policy (which viewer headers reach the origin at all).
"""

import json
import re
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import harness
from outcome import die


@dataclass(frozen=True)
class CachePolicy:
    """An AWS-managed cache policy, as far as the test behaves like it. Its key holds the path
    and the normalised Accept-Encoding only (no header, cookie or query string); CloudFront
    keeps an answer for the origin's s-maxage (else max-age) within [min, max], `default` when
    the origin says nothing, serves it stale while refreshing (stale-while-revalidate) and while
    the origin fails (stale-if-error). Not reproduced: `min` applied to no-store answers (nginx
    caches none of them, CloudFront keeps them `min` seconds), so only behaviours whose answers
    are the same for everyone may use a policy with min > 0."""

    min: int
    default: int
    max: int


# AWS-managed policies, by the fixed IDs modules/cdn references.
CACHE_POLICIES = {
    "4135ea2d-6df8-44a3-9df3-4b5a84be39ad": None,  # CachingDisabled
    "658327ea-f89d-4fab-a63d-7e88639e58f6": CachePolicy(min=1, default=86400, max=31536000),  # CachingOptimized
}
# Which viewer headers reach the origin besides the cache key's: all but Host
# (AllViewerExceptHostHeader), or, without a policy, none.
ORIGIN_REQUEST_POLICIES = {"b689b0a8-53d0-40ab-baf2-68738e2966ac": "all_viewer_except_host"}
ALL_METHODS = {"GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"}


def glob_regex(pattern):
    """An ALB or CloudFront path pattern (`*` any characters, `?` one) as a regex."""
    return "^" + "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern) + "$"


def nginx_name(text):
    return re.sub(r"[^a-z0-9]", "_", text.lower())


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

    def servers(self):
        return [(t.address, self.port) for t in (self.healthy() or list(self.targets))]


class CloudMapService:
    """A Cloud Map service an HTTP API integration sends to: the tasks ECS registered in it,
    each at the port of its registration (ECS registers a task once its container health check
    passes and removes it when it stops the task; there is no health check of its own and no
    deregistration delay)."""

    deregistration_delay = 0

    def __init__(self, values):
        self.arn, self.name = values["arn"], values["name"]
        self.targets = {}  # task -> port

    def servers(self):
        return [(t.address, port) for t, port in self.targets.items()]


class AlbOrigin:
    """The listener, its rules and target groups."""

    kind = "ALB"

    def __init__(self, state, listener):
        self.listener = listener
        self.rules = sorted((r["values"] for r in state.of_type("aws_lb_listener_rule")), key=lambda r: r["priority"])
        self.groups = {tg["values"]["arn"]: TargetGroup(tg["values"]) for tg in state.of_type("aws_lb_target_group")}
        self.protocol = listener["protocol"]

    def describe(self):
        rules = ", ".join(f"{r['priority']}: {r['action'][0]['type']}" for r in self.rules)
        groups = ", ".join(f"{g.name} ({g.path} -> {g.matcher})" for g in self.groups.values())
        return f"ALB listener default {self.listener['default_action'][0]['type']}, rules {rules}; target groups {groups}"

    def action(self, action, upstream):
        """nginx directives for one ALB action."""
        kind = action["type"]
        if kind == "forward":
            return f"proxy_pass http://{upstream(action['target_group_arn'])}$request_uri;"
        if kind == "fixed-response":
            fixed = action["fixed_response"][0]
            body = json.dumps(fixed.get("message_body") or "")
            return f"default_type {fixed['content_type']}; return {fixed['status_code']} {body};"
        die(f"the test cannot act like an ALB {kind} action")

    def maps(self):
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

    def locations(self, upstream):
        """Each rule's action, and the listener's default, is an internal location; the
        request goes to the one $alb_rule names, keeping its original URI for the target."""
        actions = {f"rule{n}": rule["action"] for n, rule in enumerate(self.rules)}
        actions["listener_default"] = self.listener["default_action"]
        locations = ["    proxy_set_header X-Forwarded-Proto $scheme;\n",
                     "    location / { rewrite ^ /__alb/$alb_rule last; }\n"]
        for name, action in actions.items():
            if len(action) != 1:
                die(f"the test handles ALB rules with one action ({name} has {len(action)})")
            locations.append(f"    location = /__alb/{name} {{ internal; {self.action(action[0], upstream)} }}\n")
        return "".join(locations)


class HttpApiOrigin:
    """An API Gateway HTTP API: its $default stage, routes and integrations."""

    kind = "HTTP API"
    protocol = "HTTPS"

    def __init__(self, state, api):
        self.api = api
        stages = [s["values"] for s in state.of_type("aws_apigatewayv2_stage")]
        if [s["name"] for s in stages] != ["$default"]:
            die(f"the HTTP API must have one stage, $default (another stage's name would be in every path): {stages}")
        self.stage = stages[0]
        self.routes = [r["values"] for r in state.of_type("aws_apigatewayv2_route")]
        self.integrations = {i["values"]["id"]: i["values"] for i in state.of_type("aws_apigatewayv2_integration")}
        self.groups = {s["values"]["arn"]: CloudMapService(s["values"])
                       for s in state.of_type("aws_service_discovery_service")}
        self.links = {v["values"]["id"] for v in state.of_type("aws_apigatewayv2_vpc_link")}

    def describe(self):
        routes = ", ".join(sorted(r["route_key"] for r in self.routes))
        return f"HTTP API {self.api['name']} (stage $default), routes {routes}"

    def integration(self, route, upstream):
        target = route.get("target") or ""
        if not target.startswith("integrations/") or target.split("/", 1)[1] not in self.integrations:
            die(f"route {route['route_key']} has no integration the test knows ({target!r})")
        integration = self.integrations[target.split("/", 1)[1]]
        if (integration["integration_type"], integration["connection_type"]) != ("HTTP_PROXY", "VPC_LINK"):
            die(f"the test handles HTTP_PROXY integrations through a VPC link, not {integration['integration_type']}"
                f"/{integration['connection_type']}")
        if integration["connection_id"] not in self.links:
            die(f"integration {integration['id']} uses VPC link {integration['connection_id']}, which the state lacks")
        if integration["integration_uri"] not in self.groups:
            die(f"integration {integration['id']} sends to {integration['integration_uri']}, not a Cloud Map service")
        mapping = integration.get("request_parameters") or {}
        unknown = set(mapping) - {"overwrite:path"}
        if unknown:
            die(f"the test cannot apply the parameter mappings {sorted(unknown)}")
        path = mapping.get("overwrite:path", "$request_uri")
        path = path if path == "$request_uri" else path + "$is_args$args"
        timeout = -(-int(integration.get("timeout_milliseconds") or 30000) // 1000)
        return (f"proxy_read_timeout {timeout}s; proxy_pass http://{upstream(integration['integration_uri'])}{path};")

    def locations(self, upstream):
        """API Gateway picks the most specific route: an exact path, then a greedy one, then $default."""
        locations = ["    proxy_set_header X-Forwarded-Proto https;\n"]
        for route in self.routes:
            key = route["route_key"]
            action = self.integration(route, upstream)
            if key == "$default":
                locations.append(f"    location / {{ {action} }}\n")
                continue
            method, _, path = key.partition(" ")
            if method != "ANY":
                die(f"the test handles ANY routes and $default, not {key}")
            if path.endswith("/{proxy+}"):
                prefix = re.escape(path[: -len("{proxy+}")])
                locations.append(f"    location ~ ^{prefix}.+$ {{ {action} }}\n")
            else:
                locations.append(f"    location = {path} {{ {action} }}\n")
        if not any(r["route_key"] == "$default" for r in self.routes):
            locations.append('    location / { default_type application/json; return 404 \'{"message":"Not Found"}\'; }\n')
        return "".join(locations)


class LoadBalancer:
    """nginx standing in for CloudFront and its origin (see the module's docstring)."""

    def __init__(self, work, state, time_scale):
        self.dir = work / "nginx"
        self.dir.mkdir()
        self.time_scale = time_scale
        listeners, apis = state.of_type("aws_lb_listener"), state.of_type("aws_apigatewayv2_api")
        if len(listeners) + len(apis) != 1:
            die(f"expected one origin, an ALB listener or an HTTP API; found {len(listeners)} and {len(apis)}")
        self.origin = AlbOrigin(state, listeners[0]["values"]) if listeners else HttpApiOrigin(state, apis[0]["values"])
        self.groups = self.origin.groups
        self.distribution = state.one("aws_cloudfront_distribution")
        self.origin_port, self.cdn_port = harness.free_port(), harness.free_port()
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
        """CloudFront's origin protocol must be what the origin speaks (an HTTP API speaks HTTPS
        only). With HTTPS the origin stand-in gets a certificate for the origin's name (from a CA
        of the test's own) and the CloudFront stand-in verifies it against that name, as
        CloudFront does."""
        origin = self.distribution["origin"][0]
        policy = origin["custom_origin_config"][0]["origin_protocol_policy"]
        if (policy, self.origin.protocol) not in (("http-only", "HTTP"), ("https-only", "HTTPS")):
            die(f"CloudFront connects to the origin with {policy} but the {self.origin.kind} speaks {self.origin.protocol}")
        if isinstance(self.origin, HttpApiOrigin):
            endpoint = self.origin.api["api_endpoint"].removeprefix("https://")
            if origin["domain_name"] != endpoint:
                die(f"CloudFront's origin is {origin['domain_name']}, not the HTTP API's endpoint {endpoint}")
        if self.origin.protocol != "HTTPS":
            return None
        name = origin["domain_name"]
        key, cert = self.dir / "origin.key", self.dir / "origin.crt"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={name}",
                        "-addext", f"subjectAltName=DNS:{name}", "-keyout", str(key), "-out", str(cert)],
                       check=True, capture_output=True)
        return {"name": name, "key": key, "cert": cert}

    def describe(self):
        return self.origin.describe()

    @property
    def cdn_url(self):
        return f"http://127.0.0.1:{self.cdn_port}"

    @property
    def scheme(self):
        return "https" if self.origin_tls else "http"

    @property
    def origin_url(self):
        return f"{self.scheme}://127.0.0.1:{self.origin_port}"

    def client_tls(self):
        """For a request straight to the origin stand-in: its certificate, without the name
        check (the request goes to 127.0.0.1, not to the origin's name)."""
        if not self.origin_tls:
            return None
        context = ssl.create_default_context(cafile=str(self.origin_tls["cert"]))
        context.check_hostname = False
        return context

    def upstream(self, arn):
        return "up_" + nginx_name(self.groups[arn].name)

    def origin_server(self):
        tls = ""
        if self.origin_tls:
            tls = f" ssl;\n    ssl_certificate {self.origin_tls['cert']}; ssl_certificate_key {self.origin_tls['key']}"
        return (f"  server {{\n    listen 127.0.0.1:{self.origin_port}{tls};\n"
                "    proxy_http_version 1.1; proxy_set_header Connection \"\";\n"
                "    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n"
                + self.origin.locations(self.upstream) + "  }\n")

    def behaviour(self, behaviour, headers):
        """One cache behaviour as a location: methods, cache policy, origin request policy."""
        policy_id = behaviour.get("cache_policy_id")
        if policy_id not in CACHE_POLICIES:
            die(f"cache policy {policy_id} is not one the test knows (add it to CACHE_POLICIES)")
        policy = CACHE_POLICIES[policy_id]
        request_policy = behaviour.get("origin_request_policy_id") or None
        if request_policy and request_policy not in ORIGIN_REQUEST_POLICIES:
            die(f"origin request policy {request_policy} is not one the test knows (add it to ORIGIN_REQUEST_POLICIES)")
        lines = []
        methods = set(behaviour["allowed_methods"])
        if methods != ALL_METHODS:
            if not methods <= {"GET", "HEAD", "OPTIONS"}:
                die(f"the test handles all methods or reads only, not {sorted(methods)}")
            # CloudFront answers other methods with 403.
            lines.append("      limit_except GET { deny all; }\n")
        uri = ""
        if request_policy is None:
            # No viewer header, cookie or query string reaches the origin; only the cache key's
            # normalised Accept-Encoding, the custom headers and CloudFront's own.
            uri = "$uri"
            lines.append("      proxy_pass_request_headers off; proxy_set_header User-Agent \"Amazon CloudFront\";\n")
        if policy:
            lines.append("      proxy_set_header Accept-Encoding $edge_encoding;\n")
        if policy is None:
            # Through the cache, never in it: X-Cache says BYPASS.
            lines.append("      proxy_cache edge; proxy_cache_bypass 1; proxy_no_cache 1;\n")
        else:
            # The origin's Cache-Control decides (nginx reads s-maxage first); `default` when it
            # says nothing. One request refreshes an entry at a time (CloudFront collapses them),
            # stale-while-revalidate is served while it does, and a copy is served while the
            # origin fails (stale-if-error: every cacheable answer of Folio's carries it).
            lines.append(f"      proxy_cache edge; proxy_cache_key \"$uri|$edge_encoding\"; "
                         f"proxy_cache_valid 200 {policy.default}s;\n"
                         "      proxy_cache_lock on; proxy_cache_background_update on; proxy_cache_revalidate on;\n"
                         "      proxy_cache_use_stale error timeout http_500 http_502 http_503 http_504;\n")
        pattern = behaviour.get("path_pattern")
        match = f"~ {glob_regex(pattern)}" if pattern else "/"
        return (f"    location {match} {{\n{''.join(lines)}"
                f"      proxy_pass {self.scheme}://127.0.0.1:{self.origin_port}{uri};\n{headers}"
                "      add_header X-Cache $upstream_cache_status always;\n    }\n")

    def cdn_server(self):
        origin = self.distribution["origin"]
        if len(origin) != 1:
            die("the test handles a distribution with one origin")
        headers = "".join(f"      proxy_set_header {h['name']} {json.dumps(h['value'])};\n"
                          for h in origin[0].get("custom_header", []))
        # (A location that sets any header inherits none from its server, so every one is here.)
        headers += ("      proxy_set_header Connection \"\"; proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n"
                    f"      proxy_set_header Host {origin[0]['domain_name']};\n")
        behaviours = sorted(self.distribution.get("ordered_cache_behavior", []), key=lambda b: b.get("precedence", 0))
        locations = [self.behaviour(b, headers) for b in [*behaviours, self.distribution["default_cache_behavior"][0]]]
        verify = ""
        if self.origin_tls:
            verify = (f"    proxy_ssl_verify on; proxy_ssl_trusted_certificate {self.origin_tls['cert']};\n"
                      f"    proxy_ssl_name {self.origin_tls['name']}; proxy_ssl_server_name on;\n")
        return (f"  server {{\n    listen 127.0.0.1:{self.cdn_port};\n{verify}"
                "    proxy_http_version 1.1; proxy_set_header Connection \"\";\n" + "".join(locations) + "  }\n")

    def config(self):
        d = self.dir
        maps = self.origin.maps() if isinstance(self.origin, AlbOrigin) else ""
        return (f"daemon off;\nworker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\n"
                "events { worker_connections 4096; }\nhttp {\n  access_log off;\n"
                f"  client_body_temp_path {d}/body; proxy_temp_path {d}/proxy; fastcgi_temp_path {d}/fastcgi;\n"
                f"  uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;\n"
                f"  proxy_cache_path {d}/cache keys_zone=edge:1m;\n"
                # Clients connect per request: a reload closes idle client keep-alive connections,
                # which an ALB never does (see scripts/reliability); upstream connections are kept.
                "  keepalive_timeout 0;\n"
                "  map $request_uri $path_only { \"~^(?<p>[^?]*)\" $p; }\n"
                # CloudFront's normalised Accept-Encoding, with compression on in the cache policy.
                "  map $http_accept_encoding $edge_encoding { \"~*br\" \"br,gzip\"; \"~*gzip\" gzip; default \"\"; }\n"
                # Neither an ALB nor API Gateway retries a request on another target.
                "  proxy_next_upstream off;\n"
                f"  include {d}/upstreams.conf;\n" + maps + self.origin_server() + self.cdn_server() + "}\n")

    def write_upstreams(self):
        blocks = []
        for arn, group in self.groups.items():
            servers = "".join(f"    server {a}:{p};\n" for a, p in group.servers()) or "    server 127.0.0.1:9 down;\n"
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

    def register(self, arn, task, port):
        """Registers `task`. In a target group it gets traffic once the group's health check
        found it healthy `healthy_threshold` times in a row; in a Cloud Map service at once
        (ECS registers it after its container health check passed)."""
        group = self.groups[arn]
        if isinstance(group, CloudMapService):
            group.targets[task] = port
            self.reload()
            return f"registered in Cloud Map {group.name} at port {port}"
        group.targets[task] = 0
        deadline = time.monotonic() + (group.healthy_threshold + 2) * group.interval / self.time_scale + 20
        detail = None
        while group.targets[task] < group.healthy_threshold:
            if time.monotonic() > deadline or task.exited() is not None:
                die(f"{task.name} never passed the target group {group.name} health check "
                    f"({group.path}, matcher {group.matcher}): last answer {detail}\n{task.log_tail()}")
            ok, detail = group.probe(task)
            group.targets[task] = group.targets[task] + 1 if ok else 0
            time.sleep(group.interval / self.time_scale)
        self.reload()
        return f"target group health check answered {detail}"

    def deregister(self, arn, task):
        """Takes `task` out of rotation and waits the (compressed) deregistration delay."""
        group = self.groups[arn]
        group.targets.pop(task, None)
        self.reload()
        time.sleep(group.deregistration_delay / self.time_scale)

    def close(self):
        self.proc.terminate()
        self.proc.wait()
