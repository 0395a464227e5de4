"""`manage.py import_members FILE`: the roster import from the command line, with the admin
upload page's engine. Prints the preview (counts, every error with its row and column, the
duplicates and what was decided for them) and writes everything, or nothing when any row has
an error (exit status 1) or with --dry-run."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from directory.roster import cells
from directory.roster.importer import roster_import, roster_preview
from directory.roster.presets import PRESETS
from directory.roster.preview import DECISIONS, SKIP, ImportOptions
from directory.roster.reading import UnreadableFile


class Command(BaseCommand):
    help = "Import members, contacts and listings from a roster file (CSV or XLSX)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="A CSV or XLSX file with the roster's columns.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and show the preview; write nothing."
        )
        parser.add_argument(
            "--send-welcome",
            action="store_true",
            help="E-mail new contacts a link to set their password (none are sent otherwise).",
        )
        parser.add_argument(
            "--preset", choices=sorted(PRESETS), help="Read another system's export headings."
        )
        parser.add_argument(
            "--drafts", action="store_true", help="Create listings as drafts, not published."
        )
        parser.add_argument(
            "--create-categories",
            action="store_true",
            help="Create the directory categories the file names that do not exist yet.",
        )
        parser.add_argument(
            "--on-duplicate",
            choices=sorted(DECISIONS),
            default=SKIP,
            help="What to do with a row that looks like an existing member or an earlier "
            "row: update the match, skip the row (default) or import it as a new member.",
        )
        parser.add_argument(
            "--date-order",
            choices=sorted(cells.DATE_ORDERS),
            default=cells.DAY_FIRST,
            help="How to read dates like 03/04/2024: dmy (3 April, default) or mdy (4 March).",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from error
        import_options = ImportOptions(
            preset=options["preset"] or "",
            date_order=options["date_order"],
            create_categories=options["create_categories"],
            drafts=options["drafts"],
            send_welcome=options["send_welcome"],
            on_duplicate=options["on_duplicate"],
        )
        try:
            preview = roster_preview(data, file_name=path.name, options=import_options)
        except UnreadableFile as error:
            raise CommandError(str(error)) from error
        self.show(preview)
        if preview.has_errors:
            raise CommandError(f"{len(preview.errors)} error(s): nothing was imported.")
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was written.")
            return
        result = roster_import(preview=preview)
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported: {len(result.created)} new, {len(result.updated)} updated, "
                f"{len(result.skipped)} skipped; {result.listings_created} listing(s) created, "
                f"{result.listings_updated} updated; {result.accounts_created} account(s) "
                f"created; {result.welcomes_sent} welcome e-mail(s) queued."
            )
        )

    def show(self, preview):
        self.stdout.write(f"{preview.file_name}: {preview.described}")
        counts = ", ".join(f"{count} {action}" for action, count in preview.counts.items())
        self.stdout.write(f"Rows: {counts}")
        if preview.ignored_headings:
            self.stdout.write("Ignored columns: " + ", ".join(preview.ignored_headings))
        if preview.missing_categories and preview.options.create_categories:
            self.stdout.write("Categories to create: " + ", ".join(preview.missing_categories))
        for error in preview.errors:
            self.stdout.write(self.style.ERROR(str(error)))
        decision = DECISIONS[preview.options.on_duplicate]
        for row in preview.duplicates:
            matches = "; ".join(str(match) for match in row.duplicates)
            self.stdout.write(
                self.style.WARNING(
                    f"Row {row.number} ({row.organisation}) looks like {matches}: {decision}."
                )
            )
