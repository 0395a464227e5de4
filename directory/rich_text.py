"""Listing descriptions are cleaned to the editor's features whenever they are saved.

Wagtail's editor already sends clean HTML; imports, scripts and future member forms may not,
and the template renders the stored HTML with |richtext.
"""

from wagtail.whitelist import Whitelister, allow_without_attributes, attribute_rule, check_url

DESCRIPTION_RULES = {
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


class DescriptionWhitelister(Whitelister):
    element_rules = DESCRIPTION_RULES


def clean_description(html: str) -> str:
    return DescriptionWhitelister().clean(html) if html else html
