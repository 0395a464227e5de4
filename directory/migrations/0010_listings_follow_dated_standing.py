"""Listings copy their member's good standing (public_until): refresh the copies after
membership 0006 dated every paying member's standing (issue #24). On PostgreSQL the facet
summary's triggers move the counts with them."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def refresh_public_until(apps, schema_editor):
    Business = apps.get_model("directory", "Business")
    Member = apps.get_model("membership", "Member")
    member = Member.objects.filter(pk=OuterRef("member_id"))
    Business.objects.update(public_until=Subquery(member.values("good_standing_until")[:1]))


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0009_repair_edited_migrations"),
        ("membership", "0006_standing_by_date"),
    ]

    operations = [
        migrations.RunPython(refresh_public_until, migrations.RunPython.noop, elidable=True)
    ]
