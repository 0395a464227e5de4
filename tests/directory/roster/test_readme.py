"""The README's roster columns table is generated from COLUMNS, and stays so."""

import re
from pathlib import Path

from directory.roster.template import readme_table

README = Path(__file__).resolve().parents[3] / "README.md"
TABLE = re.compile(r"<!-- roster-columns:[^\n]*-->\n(.*?)\n<!-- /roster-columns -->", re.S)


def test_the_readme_columns_table_matches_columns():
    match = TABLE.search(README.read_text())
    assert match, "README.md has no roster-columns table"
    assert match[1] == readme_table(), (
        "Regenerate README.md's roster columns table from directory.roster.template.readme_table()"
    )
