"""Messages visitors sent to a listing through its "Contact this business" form: the record
staff need to handle abuse, and what the member's account counts.

The message itself is not kept. The business has it in its inbox, the chamber is not a party to
the conversation, and a copy here would only be personal data to protect, export and delete.
What is kept tells staff who wrote to whom and when, lets them see one sender or one text
reaching many listings (`ip_hash`, `message_digest`: keyed hashes, the same for the same
address or text, and unreadable without the site's SECRET_KEY), and is deleted after
`KEPT_FOR` (directory/services.py, at each new message).
"""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

KEPT_FOR = datetime.timedelta(days=180)


class ContactMessage(models.Model):
    business = models.ForeignKey(
        "directory.Business",
        verbose_name=_("listing"),
        on_delete=models.CASCADE,
        related_name="contact_messages",
    )
    sender_name = models.CharField(_("sender's name"), max_length=100)
    sender_email = models.EmailField(_("sender's e-mail"))
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True, db_index=True)
    ip_hash = models.CharField(_("sender's address (hashed)"), max_length=64, blank=True)
    message_digest = models.CharField(_("message (hashed)"), max_length=64)
    message_length = models.PositiveIntegerField(_("message length (characters)"))

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("contact form message")
        verbose_name_plural = _("contact form messages")
        indexes = [models.Index(fields=["business", "sent_at"], name="directory_contact_recent")]

    def __str__(self):
        return f"{self.sender_name} → {self.business}"
