from django.dispatch import Signal

# Sent when members' good standing or level may have changed in bulk (member_ids=None: all).
# Single saves go through Member's post_save as usual.
good_standing_changed = Signal()
