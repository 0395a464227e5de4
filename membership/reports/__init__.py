"""Membership's reports in the admin's Reports menu (issue #19): members by level and status
over time (members.py), revenue (revenue.py) and retention (retention.py), each a pure
computation over a bounded number of queries, shown by the views in views.py."""
