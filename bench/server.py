"""Start the real application under gunicorn on loopback, for benchmarks."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(database_url, **extra):
    """Settings as a deployment would have them, but plain HTTP on loopback."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_DEBUG="False",
        DJANGO_SECRET_KEY="benchmark-only-q8Jf2-vL0xR7mZp4Tn9bWc3Ys6Hd1Ke5Ga0Uo8Ii7Pl2Qr4",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_HTTPS="False",
        DJANGO_LOG_LEVEL="WARNING",
        **extra,
    )
    return env


@contextmanager
def gunicorn(database_url, workers=1, **extra_env):
    """Yield (base_url, master_process); the workers are its children."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "aidtracker.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "600",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=production_env(database_url, **extra_env),
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base_url}/healthz", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not start")
        yield base_url, process
    finally:
        process.terminate()
        process.wait(timeout=30)


def worker_pids(master):
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    return [int(pid) for pid in children]


def peak_rss_mb(pid):
    """The process's high-water mark of resident memory (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for {pid}")
