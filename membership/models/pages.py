"""/join/: the page editors write copy on, whose routes are the join flow (membership/views.py).

Each route imports its view when it runs: while models are being loaded, the views' forms can't
be built yet (the join form's category belongs to the directory, loaded later). Nothing the
views use imports this module (inside membership, code imports the data models from their own
modules), so there is no import cycle."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from chamber.routing import CachedViewRestrictionsMixin
from chamber.selectors import JOIN


class JoinPage(CachedViewRestrictionsMixin, RoutablePageMixin, Page):
    """/join/: the levels and the application form; /join/thanks/ after paying."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link", "ul"])
    offline_payment_text = RichTextField(
        _("how to pay without a card"),
        blank=True,
        features=["bold", "italic", "link", "ul"],
        help_text=_("Shown when online payment is off, and after an application is received."),
    )
    thanks_text = RichTextField(
        _("thank-you message"),
        blank=True,
        features=["bold", "italic", "link", "ul"],
        help_text=_("Shown to a new member after paying."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("offline_payment_text"),
        FieldPanel("thanks_text"),
    ]
    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []
    max_count = 1
    chrome_role = JOIN  # the site's "Join" buttons lead here

    class Meta:
        verbose_name = _("join page")

    @path("")
    def join_view(self, request):
        from membership.views import join

        return join(request, page=self)

    @path("thanks/")
    def thanks_view(self, request):
        from membership.views import join_thanks

        return join_thanks(request, page=self)

    @path("retry/")
    def retry_view(self, request):
        from membership.views import join_retry

        return join_retry(request, page=self)

    @path("renew/")
    def renew_view(self, request):
        from membership.views import renew

        return renew(request, page=self)
