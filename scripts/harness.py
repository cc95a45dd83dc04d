"""Shared pieces for the scripts that run Folio for real: the benchmark, the reliability
scenarios, the fuzzer, the image and observability tests. Starts throwaway PostgreSQL clusters
(through the test kit's `test-postgres`), `folio` processes (waited for by the test kit's
launcher, `launch`, the same code the Rust tests start Folio with), and the open-loop load
generator (`load`)."""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_TEST_ENV = None


def say(text):
    print(f"\033[1m==> {text}\033[0m", file=sys.stderr, flush=True)


def require(tool, hint):
    """A missing tool is a loud failure: these scripts only make sense with it."""
    if not shutil.which(tool):
        sys.exit(f"!!! MISSING TOOL: {tool} is not installed ({hint}); run scripts/setup")


def build(release=True):
    """Builds `folio` (the production binary from scripts/build-release, or the debug build) and
    the test kit's tools; returns the folio path."""
    subprocess.run(["cargo", "build", "--quiet", "-p", "folio-testkit", "--bins"], cwd=ROOT, check=True)
    if release:
        out = subprocess.run([str(ROOT / "scripts" / "build-release")], cwd=ROOT, check=True, capture_output=True, text=True)
        return Path(out.stdout.strip())
    subprocess.run(["cargo", "build", "--quiet", "--bin", "folio"], cwd=ROOT, check=True)
    return ROOT / "target" / "debug" / "folio"


def tool(name):
    return str(ROOT / "target" / "debug" / name)


def test_env():
    """The environment every test Folio starts with, from the launcher (`launch env`): port 0,
    loopback, JSON logs, the `test` environment, the demo content, the one test admin token."""
    global _TEST_ENV
    if _TEST_ENV is None:
        if not Path(tool("launch")).exists():
            subprocess.run(["cargo", "build", "--quiet", "-p", "folio-testkit", "--bin", "launch"], cwd=ROOT, check=True)
        _TEST_ENV = json.loads(subprocess.run([tool("launch"), "env"], check=True, capture_output=True, text=True).stdout)
    return _TEST_ENV


def token():
    """The admin token every test Folio accepts."""
    return test_env()["ADMIN_TOKEN"]


def wait_serving(log_path, pid, health, timeout=60):
    """Waits (through the launcher) until the Folio with `pid`, logging to `log_path`, has said
    where it listens and answers 200 on `health`; returns its port, or exits with the log."""
    out = subprocess.run([tool("launch"), "wait", "--log", str(log_path), "--pid", str(pid), "--health", health,
                          "--timeout", str(timeout)], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(out.stderr)
    return json.loads(out.stdout)["port"]


def free_port():
    """A free port for a server that cannot bind port 0 and say which it got (nginx, Prometheus,
    the generated load balancer); Folio itself always starts on port 0."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def workdir(prefix):
    """A temporary directory the postgres user can traverse (clusters run as postgres under root)."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    path.chmod(0o755)
    return path


class Cluster:
    """A TLS-only PostgreSQL 15 cluster with its own CA; `halt`/`resume` stop and restart it."""

    def __init__(self, directory):
        self.dir = Path(directory) / "pg"
        out = subprocess.run([tool("test-postgres"), "start", str(self.dir)], check=True, capture_output=True, text=True)
        self.info = json.loads(Path(out.stdout.strip()).read_text())

    def url(self, dbname, host=None):
        i = self.info
        return (f"postgres://{i['user']}:{i['password']}@{host or i['host']}:{i['port']}/{dbname}"
                f"?sslmode=verify-full&sslrootcert={i['ca_cert']}")

    def psql(self, sql, dbname="postgres"):
        i = self.info
        out = subprocess.run([str(Path(i["bin_dir"]) / "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                              "-h", i["socket_dir"], "-p", str(i["port"]), "-U", i["user"], "-d", dbname, "-c", sql],
                             check=True, capture_output=True, text=True)
        return out.stdout.strip()

    def psql_background(self, sql, dbname="postgres"):
        """Runs SQL in a psql process left running (to hold a lock, say); returns the process."""
        i = self.info
        return subprocess.Popen([str(Path(i["bin_dir"]) / "psql"), "-X", "-q", "-h", i["socket_dir"], "-p",
                                 str(i["port"]), "-U", i["user"], "-d", dbname, "-c", sql],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def halt(self):
        subprocess.run([tool("test-postgres"), "halt", str(self.dir)], check=True, capture_output=True)

    def resume(self):
        subprocess.run([tool("test-postgres"), "resume", str(self.dir)], check=True, capture_output=True)

    def close(self):
        subprocess.run([tool("test-postgres"), "stop", str(self.dir)], check=False, capture_output=True)


class Folio:
    """A `folio` process on port 0 with the test environment (plus `env`); its log goes to a
    file. `wait_healthy` learns its port from the launcher."""

    def __init__(self, binary, role, env, log_path):
        self.port = None
        self.log_path = Path(log_path)
        self.log = open(self.log_path, "w")
        base = {"PATH": os.environ["PATH"], **test_env()}
        self.proc = subprocess.Popen([str(binary), role], env={**base, **env}, stdout=self.log, stderr=subprocess.STDOUT)
        self.health = "/health" if role == "site" else "/api/health"

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def wait_healthy(self, timeout=60):
        self.port = wait_serving(self.log_path, self.proc.pid, self.health, timeout)

    def terminate(self, timeout=60):
        """SIGTERM, then wait; returns the exit code."""
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=timeout)
        self.log.close()
        return code

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.log.close()

    def rss_kib(self):
        return int(re.search(r"VmRSS:\s+(\d+) kB", Path(f"/proc/{self.proc.pid}/status").read_text()).group(1))

    def fds(self):
        return len(os.listdir(f"/proc/{self.proc.pid}/fd"))

    def log_events(self):
        events = []
        for line in self.log_path.read_text().splitlines():
            try:
                events.append(json.loads(line))
            except json.JSONDecodeError:
                pass
        return events


def request(port, method, path, body=None, token=None, headers=None):
    """One HTTP/1.1 request on a fresh connection; returns (status, body bytes)."""
    data = json.dumps(body).encode() if body is not None else b""
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {len(data)}\r\n"
    if body is not None:
        head += "Content-Type: application/json\r\n"
    if token:
        head += f"Authorization: Bearer {token}\r\n"
    for name, value in (headers or {}).items():
        head += f"{name}: {value}\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(head.encode() + b"\r\n" + data)
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    raw = b"".join(chunks)
    return int(raw.split(b" ", 2)[1]), raw.split(b"\r\n\r\n", 1)[1]


def seed_projects(port, count=20):
    """Creates `count` projects; returns their ids."""
    ids = []
    for i in range(count):
        status, body = request(port, "POST", "/api/projects", {
            "title": f"Project {i}", "description": "A project used by the measurements. " * 4,
            "technologies": ["Rust", "PostgreSQL", "Terraform"], "sortOrder": i % 5,
            "githubUrl": f"https://github.com/example/project-{i}",
        }, token())
        assert status == 201, body
        ids.append(json.loads(body)["id"])
    return ids


def png(width, height, block=0, seed=7):
    """An opaque RGB PNG written with zlib alone (no imaging library is installed): a gradient,
    or with `block` > 0 a photo-like one, random `block`-pixel squares over the gradient, which
    compress about as a photo's variants do."""
    import random
    import struct
    import zlib
    rng = random.Random(seed)
    def pixel(x, y):
        base = (x * 255 // width, y * 255 // height, 128)
        return bytes(min(255, max(0, v + rng.randint(-60, 60))) for v in base) if block else bytes(base)
    step = block or 1
    rows = []
    for y in range(0, height, step):
        row = b"".join(pixel(x, y) * min(step, width - x) for x in range(0, width, step))
        rows.extend([b"\x00" + row] * min(step, height - y))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b"")


def seed_photo(port, project_ids):
    """Uploads one photo-like image (2000 x 1500) and gives it to every project in
    `project_ids`; returns the image's id."""
    import http.client
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("POST", "/api/media", png(2000, 1500, block=8),
                       {"Content-Type": "image/png", "Authorization": f"Bearer {token()}"})
    answer = connection.getresponse()
    body = answer.read()
    assert answer.status == 201, body
    image = json.loads(body)["id"]
    for n, project in enumerate(project_ids):
        status, body = request(port, "PUT", f"/api/projects/{project}", {"image": {"id": image, "alt": f"Photo {n}"}}, token())
        assert status == 200, body
    return image


def page_of(port, project_id):
    """The site's page of a project: /projects/ and the slug the API gives it."""
    status, body = request(port, "GET", f"/api/projects/{project_id}")
    assert status == 200, body
    return "/projects/" + json.loads(body)["slug"]


def start_load(rate, seconds, targets, token=None, timeline=False, timeout=10):
    """Starts the load generator in the background; `finish_load` collects its results."""
    args = [tool("load"), "--rate", str(rate), "--seconds", str(seconds), "--timeout", str(timeout)]
    if token:
        args += ["--token", token]
    if timeline:
        args.append("--timeline")
    for target in targets:
        args += list(target)
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish_load(proc):
    """Waits for the load generator; returns (summary, one dict per second when --timeline)."""
    out, err = proc.communicate()
    if proc.returncode != 0:
        sys.exit(f"load generator failed: {err}")
    return json.loads(out), [json.loads(line) for line in err.splitlines() if line.startswith("{")]


def show_timeline(seconds):
    """Prints one line per second of load."""
    for s in seconds:
        statuses = ", ".join(f"{code}: {n}" for code, n in s["statuses"].items())
        print(f"t={s['t']:>3}s  sent {s['sent']:>4}  failed {s['failed']:>4}  unanswered {s['errors']:>3}  "
              f"p99 {s['p99_ms']:>7.1f} ms  max {s['max_ms']:>7.1f} ms  {{{statuses}}}"
              + "".join(f"  [{kind}: {n}]" for kind, n in s["error_kinds"].items()))


def load(rate, seconds, targets, token=None, timeline=False, timeout=10):
    """Runs the open-loop load generator to the end; returns (summary, timeline lines)."""
    return finish_load(start_load(rate, seconds, targets, token, timeline, timeout))
