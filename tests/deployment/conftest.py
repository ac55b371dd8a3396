"""The site as deployed: gunicorn with ops/gunicorn.conf.py and production settings, on
loopback, over a database of its own (a scratch PostgreSQL database when DATABASE_URL
names PostgreSQL, else an SQLite file) holding synthetic data.

These tests drive it over real sockets, the way the probe that found these faults did:
clients that stop reading, a replica or a Redis that accepts connections and never
answers, a Redis that is not there.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import closing, contextmanager
from pathlib import Path

import dj_database_url
import psycopg2
import pytest
import redis

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "deployment-tests-only-q8Jf2-vL0xR7mZp4Tn9bWc3Ys6Hd1Ke5Ga0Uo8Ii7Pl2"
# Enough rows that /items.csv (about 20 MB) outgrows every socket buffer on the way.
SHIPMENTS = 20_000


def free_port():
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(*args, env):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def production_env(database_url, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_"))}
    env.pop("REDIS_URL", None)
    env.pop("DATABASE_REPLICA_URL", None)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "aidtracker.settings",
            "DATABASE_URL": database_url,
            "DJANGO_DEBUG": "False",
            "DJANGO_SECRET_KEY": SECRET_KEY,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_HTTPS": "False",
            "DJANGO_LOG_LEVEL": "WARNING",
            # These tests download more often than a reader would.
            "DJANGO_EXPORT_RATE": "1000/m",
            "GUNICORN_LOG_LEVEL": "warning",
            **extra,
        }
    )
    return env


@contextmanager
def scratch_database(tmp_path):
    """A database URL of the same kind as the suite's, dropped afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{tmp_path / 'site.sqlite3'}"
        return
    config = dj_database_url.parse(url)
    name = f"aidtracker_deployment_{os.getpid()}"
    admin = psycopg2.connect(
        dbname="postgres",
        user=config["USER"] or "postgres",
        host=config["HOST"],
        port=config["PORT"] or 5432,
        password=config["PASSWORD"] or None,
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(scope="session")
def site_database(tmp_path_factory):
    """The URL of a database holding the demo data and SHIPMENTS synthetic shipments."""
    with scratch_database(tmp_path_factory.mktemp("deployment")) as url:
        env = production_env(url)
        manage("migrate", "--no-input", env=env)
        manage("generate_synthetic", "--shipments", str(SHIPMENTS), env=env)
        manage("load_demo", env=env)
        # Production settings serve the collected, hashed static files.
        manage("collectstatic", "--no-input", "-v0", env=env)
        yield url


@contextmanager
def gunicorn(database_url, **env):
    """Serve the site with the repository's gunicorn configuration; yield its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "ops/gunicorn.conf.py", "aidtracker.wsgi"],
        cwd=ROOT,
        env=production_env(database_url, GUNICORN_BIND=f"127.0.0.1:{port}", **env),
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with closing(socket.create_connection(("127.0.0.1", port), timeout=1)):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def serve(site_database):
    """`with serve(**env) as base_url:` runs the site under gunicorn with extra settings."""
    return lambda **env: gunicorn(site_database, **env)


@pytest.fixture
def shared_redis():
    """The URL of an empty Redis database (on the Redis CI runs), as production's REDIS_URL."""
    url = "redis://127.0.0.1:6379/14"
    with closing(redis.Redis.from_url(url)) as client:
        client.flushdb()
    return url


@contextmanager
def hung_listener():
    """A port that accepts connections (the kernel completes them) and never answers."""
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(128)
        yield sock.getsockname()[1]


@pytest.fixture
def silent_port():
    with hung_listener() as port:
        yield port


@pytest.fixture
def closed_port():
    """A port nothing listens on: connecting is refused at once."""
    return free_port()


def fetch(url, timeout):
    """(status, body, seconds taken); raises if no answer comes within `timeout` seconds."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    return status, body, time.monotonic() - started
