"""Rich text that members type, kept to a few safe elements whatever arrives.

Descriptions and deal details are stored as the rich text the Wagtail admin edits, cleaned to
the editor's features whenever they are saved: Wagtail's editor already sends clean HTML, but
member forms, imports and scripts may not, and templates render the stored HTML with
|richtext. Members type plain text (paragraphs, "- " bullet lines), turned into that HTML with
every character they typed escaped, and back into plain text for editing.
"""

import html
import re
from html.parser import HTMLParser

from django import forms
from wagtail.whitelist import Whitelister, allow_without_attributes, attribute_rule, check_url

RULES = {
    "[document]": allow_without_attributes,
    "p": allow_without_attributes,
    "b": allow_without_attributes,
    "i": allow_without_attributes,
    "ul": allow_without_attributes,
    "ol": allow_without_attributes,
    "li": allow_without_attributes,
    "br": allow_without_attributes,
    # Wagtail's stored link format: external href, or linktype/id for internal pages.
    "a": attribute_rule({"href": check_url, "linktype": True, "id": True}),
}
BULLET = re.compile(r"^[-*•]\s+")


class _Whitelister(Whitelister):
    element_rules = RULES


def clean_rich_text(value: str) -> str:
    """`value` with every element and attribute outside RULES removed."""
    return _Whitelister().clean(value) if value else value


class _PlainText(HTMLParser):
    """Stored rich text → the plain text the member edits."""

    BLOCKS = {"p", "ul", "ol"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[list[str]] = []
        self.line: list[str] | None = None

    def _new_block(self):
        self._end_line()
        self.blocks.append([])

    def _end_line(self):
        if self.line is not None:
            if not self.blocks:
                self.blocks.append([])
            self.blocks[-1].append("".join(self.line).strip())
        self.line = None

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self._new_block()
        elif tag == "li":
            self._end_line()
            self.line = ["- "]
        elif tag == "br":
            self._end_line()
            self.line = []

    def handle_endtag(self, tag):
        if tag in self.BLOCKS or tag == "li":
            self._end_line()

    def handle_data(self, data):
        if self.line is None:
            self.line = []
        self.line.append(re.sub(r"\s+", " ", data))

    def text(self) -> str:
        self._end_line()
        paragraphs = ["\n".join(line for line in block if line) for block in self.blocks]
        return "\n\n".join(paragraph for paragraph in paragraphs if paragraph)


def rich_text_to_plain(stored: str) -> str:
    parser = _PlainText()
    parser.feed(stored or "")
    parser.close()
    return parser.text()


def plain_to_rich_text(text: str) -> str:
    """Plain text → rich text: a blank line starts a paragraph; a paragraph whose lines
    all start with "- " becomes a bulleted list. Every character typed is escaped."""
    parts = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in paragraph.splitlines() if line.strip()]
        if not lines:
            continue
        if all(BULLET.match(line) for line in lines):
            items = "".join(f"<li>{html.escape(BULLET.sub('', line))}</li>" for line in lines)
            parts.append(f"<ul>{items}</ul>")
        else:
            parts.append(f"<p>{'<br/>'.join(html.escape(line) for line in lines)}</p>")
    return clean_rich_text("".join(parts))


class PlainTextField(forms.CharField):
    """A textarea's text with line endings made "\\n", so an unchanged text posted back
    by a browser ("\\r\\n") counts as unchanged."""

    widget = forms.Textarea

    def to_python(self, value):
        value = super().to_python(value)
        lines = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        return "\n".join(line.rstrip() for line in lines)
