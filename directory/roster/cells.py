"""One roster cell at a time: dates, yes/no, statuses, visibilities, web addresses, and the
normalised forms that tell duplicates apart ("Smith & Sons Ltd" is "Smith and Sons").

Each parser returns the value or raises CellError with a message for people; the caller adds the
row and the column.
"""

import datetime
import re
import unicodedata
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email

from chamber.viewsets import FORMULA_PREFIXES
from directory.models.listings import Business
from directory.roster.columns import normalise_heading
from membership.models import Member


class CellError(ValueError):
    pass


def cell_text(cell) -> str:
    """A cell as text, stripped. A quote the roster export put before a value a spreadsheet
    would run as a formula ("'=SUM(...)") is taken off again, so the export imports as it was."""
    if cell is None:
        return ""
    if isinstance(cell, datetime.datetime):
        return cell.date().isoformat() if cell.time() == datetime.time() else cell.isoformat()
    if isinstance(cell, datetime.date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    text = str(cell).strip()
    if text.startswith("'") and text[1:2] and text[1] in FORMULA_PREFIXES:
        return text[1:]
    return text


DAY_FIRST = "dmy"
MONTH_FIRST = "mdy"
DATE_ORDERS = {DAY_FIRST: "Day first (31/03/2024)", MONTH_FIRST: "Month first (03/31/2024)"}

ISO_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y/%m/%d")
NUMERIC_FORMATS = {
    DAY_FIRST: ("%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%d/%m/%y"),
    MONTH_FIRST: ("%m/%d/%Y", "%m-%d-%Y", "%m.%d.%Y", "%m/%d/%y"),
}
WORD_FORMATS = ("%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%b %d %Y")


def parse_date(cell, *, order: str = DAY_FIRST) -> datetime.date | None:
    """A date from an XLSX date cell or text: ISO (2024-03-31), numeric in the chosen order
    (31/03/2024 or 03/31/2024), or in words (31 March 2024, March 31, 2024). Empty: None."""
    if isinstance(cell, datetime.datetime):
        return cell.date()
    if isinstance(cell, datetime.date):
        return cell
    text = " ".join(cell_text(cell).replace(",", ", ").split()).replace(" ,", ",")
    if not text:
        return None
    for pattern in (*ISO_FORMATS, *NUMERIC_FORMATS[order], *WORD_FORMATS):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    example = "31/03/2024" if order == DAY_FIRST else "03/31/2024"
    raise CellError(f"“{text}” is not a date (write 2024-03-31, {example} or 31 March 2024)")


YES = {"yes", "y", "true", "1", "x", "on"}
NO = {"no", "n", "false", "0", "off"}


def parse_yes_no(cell) -> bool | None:
    text = cell_text(cell).casefold()
    if not text:
        return None
    if text in YES:
        return True
    if text in NO:
        return False
    raise CellError(f"“{cell_text(cell)}” is not Yes or No")


STATUS_WORDS = {
    **{normalise_heading(value): value for value in Member.Status.values},
    **{normalise_heading(str(label)): value for value, label in Member.Status.choices},
}


def parse_status(cell, preset=None) -> str | None:
    text = cell_text(cell)
    if not text:
        return None
    status = (preset.status_for(text) if preset else None) or STATUS_WORDS.get(
        normalise_heading(text)
    )
    if status is None:
        words = ", ".join(str(label) for label in Member.Status.labels)
        raise CellError(f"unknown status “{text}” (use {words})")
    return status


VISIBILITY_WORDS = {
    "everyone": Business.Visibility.PUBLIC,
    "public": Business.Visibility.PUBLIC,
    "all": Business.Visibility.PUBLIC,
    "members": Business.Visibility.MEMBERS,
    "membersonly": Business.Visibility.MEMBERS,
    "loggedinmembersonly": Business.Visibility.MEMBERS,
}


def parse_visibility(cell) -> str | None:
    text = cell_text(cell)
    if not text:
        return None
    visibility = VISIBILITY_WORDS.get(normalise_heading(text))
    if visibility is None:
        raise CellError(f"“{text}” is not Everyone or Members")
    return visibility


def parse_email(cell) -> str:
    text = cell_text(cell)
    if not text:
        return ""
    try:
        validate_email(text)
    except ValidationError:
        raise CellError(f"“{text}” is not an e-mail address") from None
    return text.lower()


_url_validator = URLValidator(schemes=["http", "https"])


def parse_website(cell) -> str:
    """A web address, with https:// added when it has no scheme ("harbour.example")."""
    text = cell_text(cell)
    if not text:
        return ""
    url = text if re.match(r"^[a-z][a-z0-9+.-]*://", text, re.IGNORECASE) else f"https://{text}"
    try:
        _url_validator(url)
    except ValidationError:
        raise CellError(f"“{text}” is not a web address") from None
    if len(url) > 200:
        raise CellError("the web address is longer than 200 characters")
    return url


def split_name(name: str) -> tuple[str, str]:
    """("Ana", "Lopez") from "Ana Lopez": the first word, and the rest as the last name."""
    first, _, last = " ".join(name.split()).partition(" ")
    return first[:150], last[:150]


def split_list(cell) -> list[str]:
    """Categories separated by semicolons (or new lines), without empties or repeats."""
    seen = []
    for part in re.split(r"[;\n]", cell_text(cell)):
        part = part.strip()
        if part and part.casefold() not in {item.casefold() for item in seen}:
            seen.append(part)
    return seen


# Duplicates ---------------------------------------------------------------------------------

# Trailing words that say what kind of company it is, not which one.
COMPANY_SUFFIXES = {
    "ltd",
    "limited",
    "llc",
    "llp",
    "lp",
    "inc",
    "incorporated",
    "co",
    "company",
    "corp",
    "corporation",
    "plc",
    "pty",
    "gmbh",
}
# Hosts many members share: the same Facebook address is not the same business.
SHARED_HOSTS = {
    "facebook.com",
    "instagram.com",
    "linkedin.com",
    "x.com",
    "twitter.com",
    "google.com",
    "sites.google.com",
    "business.site",
    "wixsite.com",
    "squarespace.com",
    "yelp.com",
}


def normalise_name(name: str) -> str:
    """An organisation name reduced to what tells it apart: case and accents folded, "&" read
    as "and", punctuation and "the" dropped, and company suffixes (Ltd, LLC, Inc...) taken off
    the end. "The Smith & Sons Co., Ltd." and "Smith and Sons" are both "smith and sons"."""
    text = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("&", " and ").replace("+", " and ")
    words = [word for word in re.sub(r"[^\w\s]", " ", text).split() if word != "the"]
    while len(words) > 1 and words[-1] in COMPANY_SUFFIXES:
        words.pop()
    return " ".join(words)


def website_domain(url: str) -> str:
    """The host of `url` without "www.", or "" for none or a host many members share."""
    if not url:
        return ""
    try:
        host = (urlsplit(url if "://" in url else f"https://{url}").hostname or "").lower()
    except ValueError:
        return ""
    host = host.removeprefix("www.")
    if not host or host in SHARED_HOSTS or any(host.endswith(f".{s}") for s in SHARED_HOSTS):
        return ""
    return host
