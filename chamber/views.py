import logging

from django.db import DatabaseError
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe

from chamber.scheduled import job_health

logger = logging.getLogger(__name__)

# Nothing for search engines to find there: log-in, members' and staff pages, search results.
ROBOTS_DISALLOW = ("/admin/", "/account/", "/accounts/", "/search/")


@never_cache
@require_safe
def healthz(request):
    """Liveness and readiness for load balancers: 200 when the database answers, else 503.

    It also says when each scheduled job last finished: "status" is "warn" (still 200, since
    the site serves fine) when one has not run for 36 hours, never ran or failed last time,
    for monitoring to alert on.
    """
    try:
        health = job_health()
    except DatabaseError:
        logger.exception("Health check: database unavailable")
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    jobs = {
        job.job.name: {
            "last_finished": job.finished_at.isoformat() if job.finished_at else None,
            "succeeded": job.succeeded,
            "stale": job.stale,
            "warning": job.warning,
        }
        for job in health
    }
    status = "warn" if any(job.warning for job in health) else "ok"
    return JsonResponse({"status": status, "database": "ok", "jobs": jobs})


@cache_control(max_age=3600, public=True)
@require_safe
def robots_txt(request):
    """robots.txt: the paths crawlers should skip, and where the sitemap is."""
    sitemap_url = request.build_absolute_uri(reverse("sitemap-index"))
    lines = [
        "User-agent: *",
        *(f"Disallow: {path}" for path in ROBOTS_DISALLOW),
        "",
        f"Sitemap: {sitemap_url}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
