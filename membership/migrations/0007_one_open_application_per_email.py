"""One open application per e-mail address (issue #23): a constraint, after closing older open
duplicates a database may already hold (each gets a decision note naming the one kept)."""

import django.db.models.functions.text
from django.db import migrations, models

OPEN = ["submitted", "awaiting_payment"]


def close_older_duplicates(apps, schema_editor):
    Application = apps.get_model("membership", "Application")
    newest = {}
    for application in Application.objects.filter(status__in=OPEN).order_by("-created_at", "-pk"):
        key = application.email.lower()
        if key not in newest:
            newest[key] = application
            continue
        kept = newest[key]
        application.status = "rejected"
        application.decision_note = (
            f"Closed automatically: application #{kept.pk} from the same e-mail address "
            "is the one kept open."
        )
        application.save(update_fields=["status", "decision_note"])
        print(f"\n  Application #{application.pk} closed: #{kept.pk} has the same address.")


class Migration(migrations.Migration):
    dependencies = [
        ("membership", "0006_standing_by_date"),
    ]

    operations = [
        migrations.RunPython(close_older_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="application",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("email"),
                condition=models.Q(("status__in", OPEN)),
                name="one_open_application_per_email",
            ),
        ),
    ]
