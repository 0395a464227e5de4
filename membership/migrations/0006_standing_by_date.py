"""Good standing by the calendar for every paying member (issue #24).

Until now an active member was in good standing for ever. From here standing lasts until
paid_through + the grace period for active, past-due and lapsed members alike. Active members
with no paid-through date cannot be dated: they are marked "no end date" (so they keep their
standing), logged, and listed here for staff to decide (Members, filter "No end date").
"""

import datetime

from django.db import migrations

FOREVER = datetime.date.max
PAYING = ("active", "past_due", "lapsed")
DEFAULT_GRACE_DAYS = 30


def grace_days(apps) -> int:
    Site = apps.get_model("wagtailcore", "Site")
    ChamberSettings = apps.get_model("chamber", "ChamberSettings")
    site = Site.objects.filter(is_default_site=True).first()
    settings = ChamberSettings.objects.filter(site=site).first() if site else None
    return settings.membership_grace_days if settings else DEFAULT_GRACE_DAYS


def date_standing(apps, schema_editor):
    Member = apps.get_model("membership", "Member")
    undated = list(
        Member.objects.filter(status="active", paid_through__isnull=True, no_end_date=False)
    )
    if undated:
        ContentType = apps.get_model("contenttypes", "ContentType")
        ModelLogEntry = apps.get_model("wagtailcore", "ModelLogEntry")
        content_type, _ = ContentType.objects.get_or_create(app_label="membership", model="member")
        print(
            f"\n  {len(undated)} active member(s) have no paid-through date; marked "
            '"no end date" so they stay in good standing until staff decide:'
        )
        for member in undated:
            print(f"    #{member.pk} {member.name}")
            member.no_end_date = True
            member.save(update_fields=["no_end_date"])
            ModelLogEntry.objects.create(
                content_type=content_type,
                label=member.name[:255],
                action="membership.no_end_date",
                data={
                    "to": True,
                    "reason": "active with no paid-through date when standing became dated",
                },
                timestamp=datetime.datetime.now(datetime.UTC),
                object_id=str(member.pk),
            )
    grace = datetime.timedelta(days=grace_days(apps))
    for member in Member.objects.all():
        if member.status not in PAYING:
            until = None
        elif member.no_end_date:
            until = FOREVER
        elif member.paid_through:
            until = member.paid_through + grace
        else:
            until = None
        if until != member.good_standing_until:
            member.good_standing_until = until
            member.save(update_fields=["good_standing_until"])


class Migration(migrations.Migration):
    dependencies = [
        ("membership", "0005_member_no_end_date"),
        ("chamber", "0002_account_area"),
        ("wagtailcore", "0098_apitoken"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(date_standing, migrations.RunPython.noop, elidable=True)]
