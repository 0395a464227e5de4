"""A roster file uploaded in the admin, kept on the server between its preview and the
confirmation that writes it (directory/roster/admin_views.py), and, for a file too large to
write within one web request, until `run_roster_imports` has written it in the background
(directory/roster/background.py): then the file's content is dropped and the counts kept.

The file is stored in the database rather than under MEDIA: it holds members' names and
e-mail addresses, which must not sit in a public folder, and any process behind the load
balancer may serve the confirmation. Only the person who uploaded it can see it, by a random
token; it is deleted once written, and uploads left unconfirmed go after KEPT_FOR.
"""

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

KEPT_FOR = datetime.timedelta(days=1)


def new_token() -> str:
    return secrets.token_urlsafe(24)


class RosterUpload(models.Model):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Waiting for confirmation")
        QUEUED = "queued", _("Waiting to be imported")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed: nothing was imported")

    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    file_name = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField()
    options = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UPLOADED)
    # The uploader's decisions on duplicate rows ({"<row>": "update" | "skip" | "new"}), the
    # counts once written, or why it failed.
    decisions = models.JSONField(default=dict)
    summary = models.JSONField(default=dict)
    error = models.TextField(blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("roster upload")

    def __str__(self):
        return self.file_name
