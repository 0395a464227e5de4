from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from chamber.models import ChamberSettings
from membership.services import members_refresh_good_standing


@receiver(pre_save, sender=ChamberSettings, dispatch_uid="membership_remember_grace")
def remember_previous_grace(sender, instance, **kwargs):
    previous = sender.objects.filter(pk=instance.pk).values_list("membership_grace_days", flat=True)
    instance._previous_grace_days = previous.first()


@receiver(post_save, sender=ChamberSettings, dispatch_uid="membership_grace_changed")
def grace_period_changed(sender, instance, created, **kwargs):
    """Every member's good-standing date moves with the grace period."""
    if created or instance._previous_grace_days == instance.membership_grace_days:
        return
    members_refresh_good_standing(grace_days=instance.membership_grace_days)
