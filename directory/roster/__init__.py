"""The member roster as a spreadsheet: the columns (columns.py) that the roster export writes
and the roster import reads, so that an export imports cleanly into another site."""
