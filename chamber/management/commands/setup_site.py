from django.core.management.base import BaseCommand

from chamber.site_setup import site_setup


class Command(BaseCommand):
    help = (
        "Create the page tree, Site record and staff groups (idempotent). "
        "With --demo, also add a fictional chamber's demo content."
    )

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="Add demo content.")
        parser.add_argument(
            "--demo-only-if-new",
            action="store_true",
            help="With --demo: add demo content only when this run created the home page "
            "(what `make run` uses, so restarting never re-adds pages an editor deleted).",
        )

    def handle(self, *args, demo, demo_only_if_new, **options):
        site_setup(
            demo=demo,
            demo_only_if_new=demo_only_if_new,
            log=lambda line: self.stdout.write(line),
        )
