from django.conf import settings
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps import Sitemap as PageSitemap
from wagtail.contrib.sitemaps import views as sitemap_views
from wagtail.documents import urls as wagtaildocs_urls

from chamber import auth, views
from chamber.sitemaps import sitemap_index
from deals.sitemaps import DealSitemap
from directory import views as directory_views
from directory.sitemaps import BusinessSitemap, DirectoryBrowseSitemap
from home import search as home_search
from jobs.sitemaps import JobSitemap

SITEMAPS = {
    "pages": PageSitemap,
    "listings": BusinessSitemap,
    "browse": DirectoryBrowseSitemap,
    "deals": DealSitemap,
    "jobs": JobSitemap,
}

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("manifest.webmanifest", views.web_manifest, name="web-manifest"),
    path("private-media/<path:name>", views.private_media, name="private_media"),
    path("sitemap.xml", sitemap_index, {"sitemaps": SITEMAPS}, name="sitemap-index"),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    # Listing views and contact-link clicks, sent by the listing page's script.
    path("beacon/listing/", directory_views.engagement_beacon, name="listing_engagement"),
    # One password reset for everyone, with its limits (chamber/auth.py): the admin's own
    # "Forgotten password?" page sends people there.
    path(
        "admin/password_reset/",
        RedirectView.as_view(pattern_name="password_reset", permanent=False),
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/login/", auth.LoginView.as_view(), name="login"),
    path("accounts/password_reset/", auth.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/logout/", auth.LogoutView.as_view(), name="logout"),
    path("accounts/", include("django.contrib.auth.urls")),
    # The account area: membership's own pages, and each app's section under its own prefix.
    path("account/listings/", include("directory.account.urls")),
    path("account/listing-statistics/", include("directory.account.statistics_urls")),
    path("account/deals/", include("deals.account_urls")),
    path("account/events/", include("events.account_urls")),
    path("account/jobs/", include("jobs.account_urls")),
    path("account/", include("membership.account.urls")),
    path("", include("membership.urls")),
    path("", include("events.urls")),
    path("search/", home_search.search, name="search"),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [
    # Everything else is a Wagtail page; this must stay last.
    path("", include(wagtail_urls)),
]
