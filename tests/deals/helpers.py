"""Constants and helpers of the public deals tests (tests/deals/test_*.py); the fixtures are in
tests/deals/conftest.py, deals themselves are built by DealFactory (tests/factories.py)."""

import datetime
import json
import re

DAY = datetime.timedelta(days=1)
SECOND = datetime.timedelta(seconds=1)

# The kinds of viewer the `viewer` and `log_in_as` fixtures build.
ANONYMOUS = "anonymous"
NO_MEMBER = "user without a member"
GOOD_STANDING = "member in good standing"
PAST_DUE_IN_GRACE = "past-due member within grace"
LAPSED = "lapsed member"
STAFF = "staff"
VIEWER_KINDS = [ANONYMOUS, NO_MEMBER, GOOD_STANDING, PAST_DUE_IN_GRACE, LAPSED, STAFF]
# Who may read a members-only deal's details, terms, instructions and code.
OPEN_TO = {GOOD_STANDING, PAST_DUE_IN_GRACE, STAFF}

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def json_ld_blocks(response) -> list[dict]:
    return [json.loads(block) for block in JSON_LD.findall(response.text)]


def deal_url(deal) -> str:
    return f"/deals/{deal.slug}/"


def redeem_url(deal) -> str:
    return f"/deals/{deal.slug}/redeem/"
