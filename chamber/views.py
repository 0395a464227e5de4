import logging

from django.db import DatabaseError
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe

from chamber.mail import mail_health
from chamber.scheduled import job_health

logger = logging.getLogger(__name__)

# Nothing for search engines to find there: log-in, members' and staff pages, search results.
ROBOTS_DISALLOW = ("/admin/", "/account/", "/accounts/", "/search/")


@never_cache
@require_safe
def healthz(request):
    """Liveness and readiness for load balancers: 200 when the database answers, else 503.

    It also says when each scheduled job last finished, and how many e-mails wait for staff
    (failed for good, stuck sending, overdue): "status" is "warn" (still 200, since the site
    serves fine) when a job is late, never ran or failed, or an e-mail waits, for monitoring
    to alert on.
    """
    try:
        health = job_health()
        mail = mail_health()
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
    warn = any(job.warning for job in health) or mail.problems
    return JsonResponse(
        {
            "status": "warn" if warn else "ok",
            "database": "ok",
            "jobs": jobs,
            "mail": {"failed": mail.failed, "stuck": mail.stuck, "overdue": mail.overdue},
        }
    )


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
