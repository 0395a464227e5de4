"""Issue #23: rate limits hold across worker processes. Two processes (as two gunicorn workers
would) each try the same limited action 10 times against a limit of 10: with the production
cache (Redis, shared) 10 succeed in all; with a per-process cache each counts for itself and 20
do, which is why `check --deploy` refuses one (chamber/checks.py)."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REDIS = "redis://127.0.0.1:6379/15"
WORKER = """
import django
django.setup()
from chamber.ratelimit import allow
print(sum(allow("shared-test", "{key}", limit=10, window_seconds=3600) for _ in range(10)))
"""


def redis_available() -> bool:
    try:
        import redis

        redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping()
    except Exception:
        return False
    return True


def two_workers(cache_url: str) -> list[int]:
    key = uuid.uuid4().hex
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("CACHE_URL", "REDIS_URL")},
        "DJANGO_SETTINGS_MODULE": "chamber.settings.dev",
        "CACHE_URL": cache_url,
    }
    processes = [
        subprocess.Popen(  # noqa: S603 - our own interpreter and code
            [sys.executable, "-c", WORKER.format(key=key)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    return [int(process.communicate(timeout=60)[0].strip()) for process in processes]


@pytest.mark.skipif(not redis_available(), reason="needs Redis on 127.0.0.1:6379")
def test_a_shared_cache_holds_the_limit_across_two_workers():
    assert sum(two_workers(REDIS)) == 10


def test_a_per_process_cache_lets_each_worker_count_alone():
    assert two_workers("") == [10, 10]
