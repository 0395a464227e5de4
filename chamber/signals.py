"""Drop the cached site chrome whenever what it shows may have changed."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from chamber.models import ChamberSettings
from chamber.selectors import invalidate_site_chrome


@receiver(page_published, dispatch_uid="chrome_page_published")
@receiver(page_unpublished, dispatch_uid="chrome_page_unpublished")
@receiver(post_page_move, dispatch_uid="chrome_page_moved")
@receiver(post_save, sender=ChamberSettings, dispatch_uid="chrome_settings_saved")
@receiver(post_delete, sender=ChamberSettings, dispatch_uid="chrome_settings_deleted")
@receiver(post_save, sender=PageViewRestriction, dispatch_uid="chrome_restriction_saved")
@receiver(post_delete, sender=PageViewRestriction, dispatch_uid="chrome_restriction_deleted")
@receiver(post_save, sender=Site, dispatch_uid="chrome_site_saved")
@receiver(post_delete, sender=Site, dispatch_uid="chrome_site_deleted")
def chrome_changed(sender, **kwargs):
    invalidate_site_chrome()


@receiver(
    m2m_changed, sender=PageViewRestriction.groups.through, dispatch_uid="chrome_restriction_groups"
)
def restriction_groups_changed(sender, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        invalidate_site_chrome()


@receiver(post_delete, dispatch_uid="chrome_page_deleted")
@receiver(post_save, dispatch_uid="chrome_page_saved")
def page_changed(sender, instance, **kwargs):
    # Menu flags and titles can change on a plain save (e.g. setup scripts, the move action).
    if isinstance(instance, Page):
        invalidate_site_chrome()
