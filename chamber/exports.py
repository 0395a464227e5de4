"""Spreadsheet exports that stream: CSV and XLSX written row by row from an iterator of rows,
so that 100,000 members export in flat memory (bench/exports.py has the figures).

An export is one or more `Sheet`s of plain Python values (text, numbers, dates, booleans,
None). Build the rows with a generator over `queryset.iterator(chunk_size=CHUNK_SIZE)` (with
`prefetch_related`, which Django runs once per chunk): the rows are then read from the database
while the response is being sent, a chunk at a time, in a fixed number of queries per chunk.

Why not Wagtail's own ``SpreadsheetExportMixin`` (wagtail/admin/views/mixins.py), which the
snippet lists use? It streams its CSV, but loops over the queryset itself, which loads every
row into the queryset's cache before the first is written; it writes no byte-order mark, so
Excel reads UTF-8 as Windows-1252 ("CafÃ©"); and it builds the XLSX in memory (a BytesIO).
Its one good trick, writing text that openpyxl would store as a formula as a string, is kept.

Cells are formula-safe: in CSV every text cell goes through `chamber.viewsets.csv_safe`; in
XLSX every text cell is a string cell, so "=HYPERLINK(...)" typed by a member is shown, never
run. XML 1.0 cannot hold most control characters: openpyxl refuses them, so they are dropped.
"""

import csv
import datetime
import functools
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from chamber.viewsets import csv_safe

CSV = "csv"
XLSX = "xlsx"
FORMATS = (CSV, XLSX)

# Rows fetched per query (and per prefetch query) while an export is written.
CHUNK_SIZE = 2000
# CSV lines sent per chunk of the response: one write per row would be 100,000 small writes.
CSV_LINES_PER_CHUNK = 500
# An XLSX file is a zip, written whole before its first byte can be sent: up to this size it
# stays in memory, beyond it goes to a temporary file on disk (100,000 members: about 12 MB).
XLSX_SPOOL_BYTES = 5 * 1024 * 1024
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Cell = str | int | Decimal | float | bool | datetime.date | None


@dataclass(frozen=True)
class Sheet:
    """A table: `rows` is read once, lazily. In a CSV, a sheet after the first follows a blank
    row, each of its lines (headings included) labelled in its first cell with `csv_label`."""

    title: str
    headings: Sequence[str]
    rows: Iterable[Sequence[Cell]]
    csv_label: str = ""


@functools.cache
def _yes_no(value: bool, language: str | None) -> str:
    return str(_("Yes") if value else _("No"))


def yes_no(value: bool) -> str:
    # Once per language: gettext costs microseconds, and a roster has 200,000 of these.
    return _yes_no(value, get_language())


# CSV ------------------------------------------------------------------------------------------


def csv_text(value: Cell) -> str:
    """`value` as a CSV cell: dates as ISO 8601 (2026-05-01), booleans Yes/No, text defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, datetime.datetime):
        return (
            timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
        )
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    return csv_safe(str(value))


class _Line:
    """What csv.writer writes to: each call returns the line instead of storing it."""

    def write(self, value: str) -> str:
        return value


def csv_lines(sheets: Sequence[Sheet]) -> Iterator[str]:
    """The sheets as CSV text, in chunks of lines; the first starts with a byte-order mark."""
    writer = csv.writer(_Line())
    pending = ["\ufeff"]
    for number, sheet in enumerate(sheets):
        label = [sheet.csv_label] if number else []
        if number:
            pending.append(writer.writerow([]))
        pending.append(writer.writerow([*label, *(csv_text(h) for h in sheet.headings)]))
        for row in sheet.rows:
            pending.append(writer.writerow([*label, *(csv_text(value) for value in row)]))
            if len(pending) >= CSV_LINES_PER_CHUNK:
                yield "".join(pending)
                pending = []
    yield "".join(pending)


def csv_response(filename: str, sheets: Sequence[Sheet]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(sheets), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


# XLSX -----------------------------------------------------------------------------------------


def xlsx_cell(worksheet, value: Cell, *, bold: bool = False) -> WriteOnlyCell:
    """`value` as a cell: text always as text (never a formula), dates as dates, numbers as
    numbers (amounts with two decimals), booleans Yes/No."""
    if isinstance(value, bool):
        value = yes_no(value)
    elif isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.make_naive(value)
    elif value is not None and not isinstance(value, (int, float, Decimal, datetime.date)):
        value = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    cell = WriteOnlyCell(worksheet, value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl takes text starting with "=" for a formula
    elif isinstance(value, datetime.datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, datetime.date):
        cell.number_format = "yyyy-mm-dd"
    elif isinstance(value, Decimal):
        cell.number_format = "0.00"
    if bold:
        cell.font = Font(bold=True)
    return cell


def write_xlsx(sheets: Sequence[Sheet], output) -> None:
    """The sheets as a workbook written to the file object `output`. openpyxl's write-only
    mode keeps each sheet's rows in a temporary file, not in memory."""
    workbook = Workbook(write_only=True, iso_dates=True)
    for sheet in sheets:
        worksheet = workbook.create_sheet(title=sheet.title[:31])  # Excel's limit
        worksheet.freeze_panes = "A2"
        worksheet.append([xlsx_cell(worksheet, heading, bold=True) for heading in sheet.headings])
        for row in sheet.rows:
            worksheet.append([xlsx_cell(worksheet, value) for value in row])
    workbook.save(output)


def xlsx_response(filename: str, sheets: Sequence[Sheet]) -> FileResponse:
    output = tempfile.SpooledTemporaryFile(max_size=XLSX_SPOOL_BYTES)  # noqa: SIM115 - closed by the response
    write_xlsx(sheets, output)
    output.seek(0)
    return FileResponse(
        output, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_CONTENT_TYPE
    )


def spreadsheet_response(export_format: str, filename: str, sheets: Sequence[Sheet]):
    """A CSV (StreamingHttpResponse) or XLSX (FileResponse, streamed from a spooled file)."""
    if export_format == XLSX:
        return xlsx_response(filename, sheets)
    if export_format == CSV:
        return csv_response(filename, sheets)
    raise ValueError(f"unknown export format {export_format!r}")
