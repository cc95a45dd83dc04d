"""The image's root filesystem, made without Docker the way the Dockerfile makes it, and
commands run in it the way a container runtime runs them.

There is no Docker engine here or in CI, so `ImageRoot` reads the Dockerfile (its ENV lines,
USER, ENTRYPOINT and CMD) and lays out an otherwise empty directory with only what the final
stage and distroless/static provide: the static binary at /folio, passwd and group with the
nonroot user, nsswitch.conf, /tmp, the CA bundle at the path DB_SSLROOTCERT names, and the
owner's content at the path CONTENT_DIR names (empty when the image is built without a
`content/` directory). `ImageRoot.run` starts a command in it as a container runtime would:
chrooted, as the image's user, with the root mounted read-only (ECS's readonlyRootFilesystem),
/proc and the few devices a runtime provides, and only the environment given (the image's
ENV, then the task's, which wins).

Used by scripts/image-test and by the infrastructure test that runs every container Terraform
defines (infra/tests/containers.py)."""

import json
import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# distroless/static's PATH and HOME for its nonroot user.
BASE_ENV = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/home/nonroot"}

# Devices a container runtime provides. The binary needs /dev/urandom: getrandom 0.3 cannot find
# glibc's getrandom() in a static binary and reads the device instead.
DEVICES = ("null", "zero", "full", "random", "urandom")

# Mounts in a private mount namespace, so they vanish with the process; each step execs the
# next, so the PID of the returned process is the command's own.
IN_ROOT = r'''
root=$1 user=$2 devices=$3; shift 3
mount --bind "$root" "$root" || exit 1
for device in $devices; do mount --bind "/dev/$device" "$root/dev/$device" || exit 1; done
mount -t proc -o nosuid,nodev,noexec proc "$root/proc" && mount -o remount,bind,ro "$root" &&
exec chroot --userspec="$user" --groups="${user#*:}" "$root" "$@"'''


class Dockerfile:
    """What the final stage of the Dockerfile declares."""

    def __init__(self, path=ROOT / "Dockerfile"):
        text = path.read_text()
        # Continuation lines joined, comments dropped; only the last stage matters.
        logical = re.sub(r"\\\n", " ", text)
        lines = [line.strip() for line in logical.splitlines() if line.strip() and not line.lstrip().startswith("#")]
        last_from = max(i for i, line in enumerate(lines) if line.upper().startswith("FROM "))
        final = lines[last_from:]
        self.env = {}
        self.user = None
        self.entrypoint = []
        self.cmd = []
        for line in final:
            word, _, rest = line.partition(" ")
            word = word.upper()
            if word == "ENV":
                for pair in rest.split():
                    name, _, value = pair.partition("=")
                    self.env[name] = value
            elif word == "USER":
                self.user = rest.strip()
            elif word == "ENTRYPOINT":
                self.entrypoint = json.loads(rest)
            elif word == "CMD":
                self.cmd = json.loads(rest)
        for needed in ("DB_SSLROOTCERT", "CONTENT_DIR"):
            if needed not in self.env:
                raise SystemExit(f"the Dockerfile's final stage sets no ENV {needed}")
        if not self.user or not self.entrypoint:
            raise SystemExit("the Dockerfile's final stage has no USER or ENTRYPOINT")


class ImageRoot:
    """An image's root directory under `directory`, built from `binary`, with `ca_cert` standing
    in for the RDS CA bundle and `content` (a directory with site.toml and about.md, or None)
    as the repository's `content/`."""

    def __init__(self, directory, binary, ca_cert, content=None, dockerfile=None):
        self.image = dockerfile or Dockerfile()
        self.path = Path(directory) / "root"
        root = self.path
        for sub, mode in (("", 0o755), ("etc", 0o755), ("home", 0o755), ("dev", 0o755), ("proc", 0o755)):
            (root / sub).mkdir(mode=mode, parents=True, exist_ok=True)
        (root / "tmp").mkdir(exist_ok=True)
        (root / "tmp").chmod(0o1777)
        home = root / "home" / "nonroot"
        home.mkdir(exist_ok=True)
        uid, gid = (int(n) for n in self.image.user.split(":"))
        shutil.chown(home, uid, gid)
        home.chmod(0o700)
        shutil.copy(binary, root / "folio")
        (root / "folio").chmod(0o755)
        self._install(ca_cert, self.image.env["DB_SSLROOTCERT"])
        content_dir = root / self.image.env["CONTENT_DIR"].lstrip("/")
        content_dir.mkdir(parents=True, exist_ok=True)
        if content is not None:
            for item in Path(content).iterdir():
                shutil.copy(item, content_dir / item.name)
                (content_dir / item.name).chmod(0o444)
        files = {
            "etc/passwd": f"root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:{uid}:{gid}:nonroot:/home/nonroot:/sbin/nologin\n",
            "etc/group": f"root:x:0:\nnonroot:x:{gid}:\n",
            "etc/nsswitch.conf": "hosts: files dns\n",
        }
        for name, text in files.items():
            (root / name).write_text(text)
            (root / name).chmod(0o444)
        # The runtime provides these at start; tests write what they need into them.
        for name in ("etc/hosts", "etc/resolv.conf"):
            (root / name).touch()
        for device in DEVICES:
            (root / "dev" / device).touch()

    def _install(self, source, image_path):
        target = self.path / image_path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, target)
        target.chmod(0o444)

    def set_file(self, image_path, text):
        """Replaces a file the runtime provides (/etc/hosts, /etc/resolv.conf)."""
        (self.path / image_path.lstrip("/")).write_text(text)

    def size_bytes(self):
        return sum(p.stat().st_size for p in self.path.rglob("*") if p.is_file())

    def environment(self, task_env):
        """What a process in the container sees: distroless's PATH and HOME, the image's ENV,
        then the task's environment, which wins."""
        return {**BASE_ENV, **self.image.env, **task_env}

    def argv(self, entrypoint=None, command=None):
        """The container's command line, as a runtime combines them: the task's entryPoint or
        the image's ENTRYPOINT, then the task's command or the image's CMD."""
        return list(entrypoint or self.image.entrypoint) + list(command if command is not None else self.image.cmd)

    def run(self, argv, task_env, stdout=None, stderr=subprocess.STDOUT, user=None):
        """Starts `argv` (absolute paths inside the image) in the root; returns the Popen."""
        env = self.environment(task_env)
        return subprocess.Popen(
            ["unshare", "--mount", "--propagation", "private", "--", "sh", "-c", IN_ROOT, "sh",
             str(self.path), user or self.image.user, " ".join(DEVICES), *argv],
            env=env, stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL)

