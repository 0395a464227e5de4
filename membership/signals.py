"""What membership tells the apps above it; they receive these in their `AppConfig.ready()`."""

from django.dispatch import Signal

# Sent when members' good standing or level may have changed in bulk (member_ids=None: all).
# Single saves go through Member's post_save as usual.
good_standing_changed = Signal()

# Sent inside the transaction that makes a member from an application (approved by staff, or
# paid at Stripe Checkout), with `member` and `application`: the directory makes the member's
# first listing from it. A receiver that fails rolls the whole change back.
member_created_from_application = Signal()
