"""Reading a roster file: encodings (UTF-8 with or without a BOM, Windows-1252 from Excel),
delimiters, and a clear message for a file that is neither."""

import pytest

from directory.roster.reading import UnreadableFile, read_table
from tests.directory.roster.helpers import csv_bytes

ROW = {"Organisation": "Café Olé", "Town": "Señorville"}
HEADINGS = ["Organisation", "Town"]


@pytest.mark.parametrize(
    ("encoding", "described"),
    [
        ("utf-8", "CSV, UTF-8, comma-separated"),
        ("utf-8-sig", "CSV, UTF-8, comma-separated"),
        ("cp1252", "CSV, Windows-1252, comma-separated"),
    ],
)
def test_each_encoding_is_recognised(encoding, described):
    table = read_table(csv_bytes(ROW, headings=HEADINGS, encoding=encoding))
    assert table.headings == HEADINGS  # no BOM left on the first heading
    assert table.rows == [["Café Olé", "Señorville"]]
    assert table.described == described


@pytest.mark.parametrize(
    ("delimiter", "name"), [(";", "semicolon"), ("\t", "tab"), ("|", "vertical bar")]
)
def test_the_delimiter_is_detected(delimiter, name):
    table = read_table(csv_bytes(ROW, ROW, headings=HEADINGS, delimiter=delimiter))
    assert table.rows == [["Café Olé", "Señorville"]] * 2
    assert table.described == f"CSV, UTF-8, {name}-separated"


def test_commas_inside_quoted_cells_do_not_confuse_the_delimiter():
    row = {"Organisation": "Smith, Jones & Co", "Town": "Bay"}
    table = read_table(csv_bytes(row, headings=HEADINGS, delimiter=";"))
    assert table.rows == [["Smith, Jones & Co", "Bay"]]


def test_a_file_whose_columns_cannot_be_told_apart_gets_a_clear_message():
    with pytest.raises(UnreadableFile, match="columns could not be told apart"):
        read_table(b"Organisation Town\nHarbour Bakery Harbourton\n")


def test_a_file_in_no_known_encoding_gets_a_clear_message():
    # 0x81 and 0x8d are neither UTF-8 nor Windows-1252.
    with pytest.raises(UnreadableFile, match="encoding could not be recognised"):
        read_table(b"Organisation,Town\n\x81\x8d,Bay\n")


def test_an_old_binary_spreadsheet_is_refused_with_a_clear_message():
    with pytest.raises(UnreadableFile, match="not a CSV or XLSX file"):
        read_table(b"\xd0\xcf\x11\xe0\x00\x00\x00\x00", "roster.xls")


def test_an_empty_file_is_refused():
    with pytest.raises(UnreadableFile, match="empty"):
        read_table(b"  \n")
