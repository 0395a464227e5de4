"""A roster file's rows as text: CSV in whatever encoding and delimiter Excel or another system
wrote it with, or XLSX.

The formats are read with the standard library's csv module and openpyxl (which Wagtail's own
spreadsheet exports already depend on): both stream, and neither brings a data-frame library
along for what is a list of rows. tablib was considered; it wraps the same two and adds nothing
an import needs, while hiding the encoding and delimiter this module must report on.
"""

import csv
import io
from dataclasses import dataclass

from openpyxl import load_workbook

# Tried in this order: a UTF-8 file (with or without the byte-order mark Excel writes) decodes
# only as UTF-8; anything else from Excel on Windows is Windows-1252, which decodes almost any
# bytes, so it comes last.
ENCODINGS = ("utf-8-sig", "cp1252")
DELIMITERS = ",;\t|"
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}
XLSX_MAGIC = b"PK\x03\x04"  # an XLSX file is a zip archive


class UnreadableFile(ValueError):
    """The file is not a roster this importer can read; the message says why, for people."""


@dataclass
class Table:
    headings: list[str]
    rows: list[list[object]]  # cells: str, or date/datetime/number from XLSX
    file_format: str  # "csv" or "xlsx"
    encoding: str = ""
    delimiter: str = ""

    @property
    def described(self) -> str:
        """How the file was read, in words ("CSV, UTF-8, semicolon-separated")."""
        if self.file_format == "xlsx":
            return "Excel workbook (XLSX)"
        encoding = {"utf-8-sig": "UTF-8", "cp1252": "Windows-1252"}.get(self.encoding)
        return f"CSV, {encoding}, {DELIMITER_NAMES[self.delimiter]}-separated"


def read_table(data: bytes, file_name: str = "") -> Table:
    """The headings and rows of `data`, an XLSX workbook (its first sheet) or a CSV file."""
    if data.startswith(XLSX_MAGIC) or file_name.lower().endswith(".xlsx"):
        return _read_xlsx(data)
    return _read_csv(data)


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-8 with or without a BOM, else Windows-1252."""
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(
        "The file's text encoding could not be recognised: save it as CSV UTF-8 (in Excel: "
        "Save as > CSV UTF-8) or as an Excel workbook (.xlsx), and upload it again."
    )


def sniff_delimiter(text: str) -> str:
    """The delimiter of `text` (comma, semicolon, tab or vertical bar), from its first lines."""
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        pass
    # A one-column file, or one the sniffer finds ambiguous: the heading line decides, if one
    # candidate clearly splits it.
    first = text.splitlines()[0] if text.strip() else ""
    counts = {delimiter: first.count(delimiter) for delimiter in DELIMITERS}
    best = max(counts, key=counts.get)
    if counts[best] and sorted(counts.values())[-2] < counts[best]:
        return best
    raise UnreadableFile(
        "The columns could not be told apart: the file should be separated by commas, "
        "semicolons, tabs or vertical bars, with a heading row first. Save it from your "
        "spreadsheet as CSV or as an Excel workbook (.xlsx), and upload it again."
    )


def _read_csv(data: bytes) -> Table:
    if b"\x00" in data[:4096]:
        raise UnreadableFile(
            "This is not a CSV or XLSX file (it looks like another binary format, such as an "
            "old .xls workbook): save it as CSV UTF-8 or as an Excel workbook (.xlsx)."
        )
    text, encoding = decode(data)
    if not text.strip():
        raise UnreadableFile("The file is empty.")
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = list(reader)
    return Table(
        headings=[cell.strip() for cell in rows[0]],
        rows=rows[1:],
        file_format="csv",
        encoding=encoding,
        delimiter=delimiter,
    )


def _read_xlsx(data: bytes) -> Table:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises several kinds for a damaged or foreign file
        raise UnreadableFile(
            "The workbook could not be opened: save it as an Excel workbook (.xlsx) or as CSV "
            "UTF-8, and upload it again."
        ) from error
    try:
        sheet = workbook.worksheets[0]
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    if not rows:
        raise UnreadableFile("The workbook's first sheet is empty.")
    return Table(
        headings=[_heading(cell) for cell in rows[0]],
        rows=rows[1:],
        file_format="xlsx",
    )


def _heading(cell) -> str:
    return "" if cell is None else str(cell).strip()
