"""What the HTTP benchmarks share: a PostgreSQL database of their own next to DATABASE_URL,
the production settings served by gunicorn (two workers) over HTTP, and timed requests over
one keep-alive connection, with the floor (a static file, /healthz) measured beside them."""

import contextlib
import http.client
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
PORT = 8127


def database_url(name: str) -> str:
    base = urlsplit(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/"))
    if not base.scheme.startswith("postgres"):
        base = urlsplit("postgres://postgres@127.0.0.1:5432/")
    return urlunsplit((base.scheme, base.netloc, f"/{name}", "", ""))


def psql(url: str, sql: str) -> None:
    admin = urlunsplit((*urlsplit(url)[:2], "/postgres", "", ""))
    subprocess.run(["psql", admin, "-qc", sql], check=True, capture_output=True)


def prepare(url: str, *, rebuild: bool) -> dict:
    """Create (or with `rebuild`, recreate) the database, migrate it and set up the site;
    returns the environment for commands run against it."""
    name = urlsplit(url).path.lstrip("/")
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "chamber.settings.dev"}
    if rebuild:
        psql(url, f"DROP DATABASE IF EXISTS {name}")
    with contextlib.suppress(subprocess.CalledProcessError):  # there already
        psql(url, f"CREATE DATABASE {name}")
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [python, "manage.py", "setup_site"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    return env


def serve(url: str, workdir: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.lighthouse_settings",
        "SECRET_KEY": f"bench-{time.time()}-not-secret",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": url,
        "MEDIA_ROOT": str(workdir / "media"),
        "PRIVATE_MEDIA_ROOT": str(workdir / "private"),
        "STATIC_ROOT": str(workdir / "static"),
        "SECURE_SSL_REDIRECT": "false",
        "SITE_URL": f"http://127.0.0.1:{PORT}",
    }
    env.pop("REDIS_URL", None)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "chamber.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(100):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status in (200, 503):
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure(path: str, requests: int) -> dict:
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    timings, size = [], 0
    for attempt in range(requests + 3):  # three warm-up requests (both workers, caches)
        start = time.perf_counter()
        connection.request("GET", path, headers={"Host": "127.0.0.1"})
        response = connection.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - start) * 1000
        if response.status != 200:
            raise SystemExit(f"{path} answered {response.status}")
        if attempt >= 3:
            timings.append(elapsed)
            size = len(body)
    return {
        "p50": statistics.median(timings),
        "p95": percentile(timings, 0.95),
        "p99": percentile(timings, 0.99),
        "kB": size / 1024,
    }


def static_file(workdir: Path) -> str:
    manifest = next((workdir / "static").rglob("site*.css"), None) or next(
        (workdir / "static").rglob("*.css")
    )
    return "/static/" + str(manifest.relative_to(workdir / "static"))


def report(paths: dict[str, str], requests: int) -> None:
    """Time each of `paths` (label: path) and print p50, p95, p99 and the size."""
    print(f"\n{requests} requests each, one keep-alive connection, gunicorn x2")
    print(f"{'URL':40} {'p50':>8} {'p95':>8} {'p99':>8} {'size':>8}")
    for label, path in paths.items():
        result = measure(path, requests)
        print(
            f"{label:40} {result['p50']:7.1f}ms {result['p95']:7.1f}ms "
            f"{result['p99']:7.1f}ms {result['kB']:6.1f}kB",
            flush=True,
        )


@contextlib.contextmanager
def served(url: str, workdir: Path):
    """gunicorn serving `url`'s database while the block runs."""
    server = serve(url, workdir)
    try:
        yield
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
