"""The downloadable roster template: our columns' headings and an example row, as CSV or XLSX,
and the columns' help for the upload page and the README."""

import csv
import io

from openpyxl import Workbook

from chamber.viewsets import csv_safe
from directory.roster.columns import COLUMNS

IMPORTED = [column for column in COLUMNS if not column.exported_only]


def template_rows() -> list[list[str]]:
    return [[column.heading for column in IMPORTED], [column.example for column in IMPORTED]]


def template_csv() -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens accented names correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in template_rows():
        writer.writerow([csv_safe(cell) for cell in row])
    return out.getvalue().encode("utf-8-sig")


def template_xlsx() -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Roster")
    for row in template_rows():
        sheet.append(row)  # openpyxl writes text cells as text, never as formulas
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def readme_table() -> str:
    """The README's "Importing a roster" columns table (tests hold the README equal to it)."""
    lines = ["| Column | What goes in it | Example |", "| --- | --- | --- |"]
    for column in COLUMNS:
        help_text = column.help or "-"
        example = f"`{column.example}`" if column.example else ""
        lines.append(f"| {column.heading} | {help_text} | {example} |")
    return "\n".join(lines)
