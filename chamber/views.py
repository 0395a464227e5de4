import logging

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import DatabaseError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe
from wagtail.images import get_image_model
from wagtail.permissions import policy_registry

from chamber import storage
from chamber.mail import mail_health
from chamber.models import ChamberSettings
from chamber.scheduled import job_health
from chamber.site_url import absolute_url

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
    sitemap_url = absolute_url(reverse("sitemap-index"))
    lines = [
        "User-agent: *",
        *(f"Disallow: {path}" for path in ROBOTS_DISALLOW),
        "",
        f"Sitemap: {sitemap_url}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


# The site's icon (chamber/static/chamber/icons/): favicon.svg is the drawing; the PNG and ICO
# files are Chromium's renderings of it at each size (maskable: the mark inside the middle 80%).
ICONS = "chamber/icons/"
THEME_COLOUR = "#0b4f6c"  # base.html's theme-color, the brand's --color-brand-600


@cache_control(max_age=60 * 60 * 24, public=True)
@require_safe
def favicon(request):
    """/favicon.ico, which browsers and crawlers ask for whatever the page's <link>s say: the
    icon under its static (in production: content-hashed) address."""
    return HttpResponseRedirect(static(f"{ICONS}favicon.ico"))


@cache_control(max_age=60 * 60 * 24, public=True)
@require_safe
def web_manifest(request):
    """The web app manifest (linked from base.html): the chamber's name, its icons and colour
    for a phone's home screen."""
    chamber = ChamberSettings.for_request(request)
    manifest = {
        "name": chamber.name,
        "short_name": chamber.name if len(chamber.name) <= 12 else chamber.name.split()[0],
        "description": chamber.tagline,
        "lang": settings.LANGUAGE_CODE,
        "start_url": "/",
        "scope": "/",
        "display": "browser",
        "theme_color": THEME_COLOUR,
        "background_color": "#ffffff",
        "icons": [
            {"src": static(f"{ICONS}favicon.svg"), "type": "image/svg+xml", "sizes": "any"},
            {"src": static(f"{ICONS}icon-192.png"), "type": "image/png", "sizes": "192x192"},
            {"src": static(f"{ICONS}icon-512.png"), "type": "image/png", "sizes": "512x512"},
            {
                "src": static(f"{ICONS}icon-maskable-512.png"),
                "type": "image/png",
                "sizes": "512x512",
                "purpose": "maskable",
            },
        ],
    }
    if not manifest["description"]:
        del manifest["description"]
    return JsonResponse(manifest, content_type="application/manifest+json")


def _image_of(name: str):
    """The image whose file or one of whose renditions is stored as `name` (None if neither)."""
    Image = get_image_model()
    image = Image.objects.filter(file=name).first()
    if image is None:
        rendition = Image.get_rendition_model().objects.filter(file=name).first()
        image = rendition.image if rendition else None
    return image


def may_read(user, image) -> bool:
    """Whether `user` may see the private file of `image`: its uploader, staff who may choose
    or edit it, and whoever an app's rule (storage.register_reader) lets in."""
    if not (user.is_authenticated and user.is_active):
        return False
    if image.uploaded_by_user_id == user.pk:
        return True
    images = policy_registry.get_by_type(type(image))
    if images.user_has_any_permission_for_instance(user, ["choose", "change"], image):
        return True
    return any(rule(user, image) for rule in storage.readers)


@never_cache
@require_safe
def private_media(request, name):
    """A file waiting for review (chamber/storage.py), for those allowed to see it; a 404 for
    everyone else, as for a file that does not exist."""
    image = _image_of(name) if storage.is_private(name) else None
    if image is None or not may_read(request.user, image):
        raise Http404
    try:
        return FileResponse(default_storage.open(name, "rb"))
    except FileNotFoundError:
        raise Http404 from None
