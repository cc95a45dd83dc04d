"""The ceiling for scripts/bench: nginx (Debian's) serving, as static files, the very bytes Folio
answered for each path and encoding (identity, gzip, brotli), measured against Folio answering
them live, in the same run and with the same wrk. Besides throughput and latency it reads each
server's own CPU time (utime + stime in /proc/PID/stat, nginx's master and workers summed) over
the measured run and divides it by the requests answered: CPU microseconds per request, which is
what decides how much traffic one small task takes.

Brotli: with Debian's `libnginx-mod-http-brotli-static`, nginx answers from the `.br` file with
`brotli_static on`, as `gzip_static on` does from the `.gz`; without it, a map on
Accept-Encoding picks the `.br` file and `add_header` says `Content-Encoding: br`. Which one ran
is printed.

An image is never compressed again (Folio answers its bytes whatever the request accepts): it
is measured once, asked as a browser asks, against nginx serving the file as it is."""

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import harness

BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")

# What each measured request says, per encoding; `br, gzip` is what every browser sends.
ENCODINGS = {"identity": "Accept-Encoding: identity", "gzip": "Accept-Encoding: gzip", "br": "Accept-Encoding: br, gzip"}

NGINX_CONF = """
daemon off;
worker_processes {workers};
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
{load_module}
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {dir}/body; proxy_temp_path {dir}/proxy;
  fastcgi_temp_path {dir}/fastcgi; uwsgi_temp_path {dir}/uwsgi; scgi_temp_path {dir}/scgi;
  keepalive_requests 1000000;
  types {{ }}
  gzip_static on;
  gzip_vary on;
  {brotli_http}
  server {{
    listen 127.0.0.1:{port};
    root {dir}/root;
{locations}
  }}
}}
"""

# Without the module: `.br` when the client accepts br (as Folio's negotiation prefers it).
BROTLI_MAP = 'map $http_accept_encoding $br_suffix { default ""; "~*(^|[\\s,])br(\\s*(,|;|$))" ".br"; }'
BROTLI_FALLBACK = """      if ($br_suffix) {{ rewrite ^ /{name}.br last; }}"""


def files_for(port, paths):
    """Folio's answer to each path in each encoding: {path: {encoding: (content type, body)}}."""
    found = {}
    for path in paths:
        found[path] = {}
        for encoding, header in ENCODINGS.items():
            out = subprocess.run(["curl", "-s", "-D", "-", "-o", "-", "-H", header, f"http://127.0.0.1:{port}{path}"],
                                 check=True, capture_output=True).stdout
            head, body = out.split(b"\r\n\r\n", 1)
            headers = dict(line.split(": ", 1) for line in head.decode().split("\r\n")[1:])
            headers = {k.lower(): v for k, v in headers.items()}
            served = headers.get("content-encoding", "identity")
            expected = "identity" if is_image(headers["content-type"]) else ("br" if encoding == "br" else encoding)
            assert served == expected, (path, encoding, served)
            found[path][encoding] = (headers["content-type"], body)
    return found


def is_image(content_type):
    """Whether answers of this type are sent as they are stored, never compressed."""
    return content_type.startswith("image/")


def encodings_of(by_encoding):
    """The encodings measured for one path: all three, or for an image only the browser's."""
    if is_image(by_encoding["identity"][0]):
        return {"br": ENCODINGS["br"]}
    return ENCODINGS


class Nginx:
    """nginx on 127.0.0.1 (a free port: it cannot bind port 0 and say which it got), with its
    own prefix under `directory`, serving `files` ({path: {encoding: (content type, body)}})."""

    def __init__(self, directory, files):
        self.dir = Path(directory) / "nginx-ceiling"
        (self.dir / "root").mkdir(parents=True)
        self.brotli = "brotli_static" if BROTLI_MODULE.exists() else "map + add_header Content-Encoding"
        locations = []
        for n, (path, by_encoding) in enumerate(files.items()):
            name = f"f{n}"
            content_type = by_encoding["identity"][0]
            image = is_image(content_type)
            for encoding, suffix in (("identity", ""), ("gzip", ".gz"), ("br", ".br")):
                if encoding == "identity" or not image:
                    (self.dir / "root" / f"{name}{suffix}").write_bytes(by_encoding[encoding][1])
            fallback = "" if BROTLI_MODULE.exists() or image else BROTLI_FALLBACK.format(name=name)
            locations.append(f"    location = {path} {{ default_type \"{content_type}\";\n{fallback}\n"
                             f"      try_files /{name} =404; }}")
            if not BROTLI_MODULE.exists() and not image:
                locations.append(f"    location = /{name}.br {{ internal; default_type \"{content_type}\";\n"
                                 f"      add_header Content-Encoding br; add_header Vary Accept-Encoding; }}")
        self.port = harness.free_port()
        conf = NGINX_CONF.format(
            workers=os.cpu_count(), dir=self.dir, port=self.port, locations="\n".join(locations),
            load_module=f"load_module {BROTLI_MODULE};" if BROTLI_MODULE.exists() else "",
            brotli_http="brotli_static on;" if BROTLI_MODULE.exists() else BROTLI_MAP)
        (self.dir / "nginx.conf").write_text(conf)
        self.proc = subprocess.Popen(["nginx", "-p", str(self.dir), "-c", str(self.dir / "nginx.conf")])
        try:
            self._check(files)
        except BaseException:
            self.close()
            raise

    def _check(self, files):
        """Waits until nginx answers, and checks it answers the very bytes Folio did."""
        deadline = time.monotonic() + 10
        while subprocess.run(["curl", "-sf", "-o", "/dev/null", f"http://127.0.0.1:{self.port}{next(iter(files))}"]).returncode:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                log = (self.dir / "error.log").read_text() if (self.dir / "error.log").exists() else ""
                raise SystemExit(f"nginx does not answer: {log}")
            time.sleep(0.05)
        for path, by_encoding in files.items():
            for encoding, header in ENCODINGS.items():
                body = subprocess.run(["curl", "-s", "-H", header, f"http://127.0.0.1:{self.port}{path}"],
                                      check=True, capture_output=True).stdout
                assert body == by_encoding[encoding][1], (path, encoding)

    def pids(self):
        """The master and its workers."""
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        return [self.proc.pid, *map(int, children)]

    def close(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def cpu_seconds(pids):
    """utime + stime of `pids`, in seconds."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # fields 14 and 15 of stat(5), after pid and comm
    return total / os.sysconf("SC_CLK_TCK")


def measured(url, pids, duration, connections, header):
    """wrk's figures for `url`, plus the CPU microseconds the server spent per request."""
    flags = ["-H", header]
    subprocess.run(["wrk", "-t2", f"-c{connections}", "-d2s", *flags, url], check=True, capture_output=True)  # warm-up
    before = cpu_seconds(pids)
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", *flags, url],
                         check=True, capture_output=True, text=True).stdout
    spent = cpu_seconds(pids) - before
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    pct = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", out, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50_ms": to_ms(pct["50"]), "p99_ms": to_ms(pct["99"]),
            "cpu_us_per_request": spent * 1e6 / requests if requests else None,
            "non_2xx": int(errors.group(1)) if errors else 0}


def to_ms(text):
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def median(runs):
    ranked = sorted(runs, key=lambda r: r["requests_per_second"])
    return ranked[len(ranked) // 2]


def measure(folio, paths, directory, args):
    """For each (path, encoding): Folio and nginx, interleaved, medians of `args.repeat` runs.
    Returns (rows, how nginx served brotli)."""
    files = files_for(folio.port, paths.values())
    nginx = Nginx(directory, files)
    try:
        rows = []
        for name, path in paths.items():
            for encoding, header in encodings_of(files[path]).items():
                runs = {"folio": [], "nginx": []}
                for _ in range(args.repeat):
                    runs["folio"].append(measured(folio.base + path, [folio.proc.pid], args.duration, args.connections, header))
                    runs["nginx"].append(measured(f"http://127.0.0.1:{nginx.port}{path}", nginx.pids(),
                                                  args.duration, args.connections, header))
                shown = "as is" if is_image(files[path]["identity"][0]) else encoding
                row = {"path": name, "encoding": shown, "bytes": len(files[path][encoding][1]),
                       "folio": median(runs["folio"]), "nginx": median(runs["nginx"])}
                row["share"] = row["folio"]["requests_per_second"] / row["nginx"]["requests_per_second"]
                rows.append(row)
                harness.say(f"ceiling: {name} {encoding}: {row['share']:.0%} of nginx")
        return rows, nginx.brotli
    finally:
        nginx.close()


def print_table(rows, brotli, args):
    print(f"\nCeiling: nginx serving the bytes Folio answered, as static files (gzip_static; brotli by {brotli}), "
          f"same wrk -t2 -c{args.connections} -d{args.duration}s, median of {args.repeat}\n")
    print(f"{'path':<24}{'encoding':<10}{'bytes':>7} | {'Folio req/s':>11}{'p50':>7}{'p99':>7}{'µs/req':>8} | "
          f"{'nginx req/s':>11}{'p50':>7}{'p99':>7}{'µs/req':>8} | {'share':>5}")
    for r in rows:
        f, n = r["folio"], r["nginx"]
        print(f"{r['path']:<24}{r['encoding']:<10}{r['bytes']:>7} | {f['requests_per_second']:>11.0f}{f['p50_ms']:>7.2f}"
              f"{f['p99_ms']:>7.2f}{f['cpu_us_per_request']:>8.1f} | {n['requests_per_second']:>11.0f}{n['p50_ms']:>7.2f}"
              f"{n['p99_ms']:>7.2f}{n['cpu_us_per_request']:>8.1f} | {r['share']:>5.0%}")
    print("(p50/p99 in ms; µs/req: the server's own CPU time over the run divided by the requests it answered)")
