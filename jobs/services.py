"""Writes for the job board's public side: counting a job page's views."""

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from chamber.ratelimit import client_ip
from jobs.models.postings import JobViews

DAY_SECONDS = 60 * 60 * 26


def visitor_key(request) -> str:
    """Who is visiting, with no cookie: a hash of the client's address and browser, salted
    with a key that changes every day and is never stored (as deals count their views)."""
    salt = f"{settings.SECRET_KEY}:job-views:{timezone.localdate().isoformat()}"
    client = f"{client_ip(request)}|{request.headers.get('User-Agent', '')}"
    return hmac.new(salt.encode(), client.encode(), hashlib.sha256).hexdigest()[:32]


def job_count_view(job, *, visitor: str) -> bool:
    """Count `visitor` among today's visitors of `job`'s page, once a day (the cache remembers
    who was counted). Job pages are read far less than deals, so each counted view is written
    at once (an UPDATE, or the day's first row) rather than batched. True if counted."""
    today = timezone.localdate()
    if not cache.add(f"job-view:{job.pk}:{today.isoformat()}:{visitor}", 1, DAY_SECONDS):
        return False
    if JobViews.objects.filter(job=job, day=today).update(views=F("views") + 1):
        return True
    try:
        with transaction.atomic():
            JobViews.objects.create(job=job, day=today, views=1)
    except IntegrityError:  # another request created the day's row first
        JobViews.objects.filter(job=job, day=today).update(views=F("views") + 1)
    return True
