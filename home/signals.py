"""Drop cached reads of the news taxonomy when it changes."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from chamber.selectors import invalidate_site_chrome
from home.models.topics import Topic


@receiver(post_save, sender=Topic, dispatch_uid="news_topic_saved")
@receiver(post_delete, sender=Topic, dispatch_uid="news_topic_deleted")
def topic_changed(sender, **kwargs):
    invalidate_site_chrome()
