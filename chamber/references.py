"""Wagtail's reference index ("Usage" in the admin), updated once per object for a bulk write.

Wagtail updates an object's references after every save; a roster import saves each listing
three times (created, its revision saved, the revision published) and each member twice, and
those updates are a quarter of its time. Inside `references_updated_once()` the automatic
updates are off and each object saved is remembered (its latest saved state), and at the end,
if the block succeeded, each has its references written once, as Wagtail would have left them
(every BATCH objects too, so that memory does not grow with the size of the write).
"""

import threading
from contextlib import contextmanager

from django.db.models.signals import post_save
from wagtail.models import ReferenceIndex
from wagtail.signal_handlers import disable_reference_index_auto_update

BATCH = 1000


@contextmanager
def references_updated_once():
    saved: dict[tuple[type, object], object] = {}
    thread = threading.get_ident()  # Wagtail's switch is per thread: so is what we remember
    uid = f"chamber-references-once-{id(saved)}"

    def write():
        for instance in saved.values():
            ReferenceIndex.create_or_update_for_object(instance)
        saved.clear()

    def remember(sender, instance, raw=False, **kwargs):
        if not raw and sender in ReferenceIndex.tracked_models and threading.get_ident() == thread:
            saved[(sender, instance.pk)] = instance
            if len(saved) >= BATCH:  # memory stays flat for any number of objects
                write()

    post_save.connect(remember, weak=False, dispatch_uid=uid)
    try:
        with disable_reference_index_auto_update():
            yield
    finally:
        post_save.disconnect(dispatch_uid=uid)
    write()
