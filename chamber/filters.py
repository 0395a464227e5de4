"""Query parameters of the public search pages (the directory, deals, news): the keyword
cleaned, invalid filter values ignored and reported, never an error page."""

import re

import django_filters

MAX_QUERY_LENGTH = 200
# C0/C1 control characters (and DEL); other whitespace is collapsed to single spaces.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean_query(value: str) -> str:
    """Strip control characters, collapse whitespace and cut to a sane length."""
    value = CONTROL_CHARACTERS.sub("", value or "")
    return " ".join(value.split())[:MAX_QUERY_LENGTH].strip()


class PublicFilterSet(django_filters.FilterSet):
    """Query parameters of a public search page: `q` cleaned before validation, invalid values
    ignored (and reported by `ignored`), and the valid filters applied by
    `filter_queryset_except`."""

    def __init__(self, data=None, *args, **kwargs):
        if data is not None:
            data = data.copy()
            data["q"] = clean_query(data.get("q", ""))
        super().__init__(data, *args, **kwargs)

    @staticmethod
    def filter_nothing(queryset, name, value):
        return queryset

    def filter_queryset_except(self, queryset, *excluded: str):
        """Apply every valid filter but these: what a facet on `excluded` counts over."""
        for name, value in self.form.cleaned_data.items():
            if name not in excluded and value not in (None, "", False):
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    @property
    def ignored(self) -> dict[str, str]:
        """Parameters that were given but not understood: name -> the raw value."""
        if not self.is_bound:
            return {}
        return {name: self.data.get(name, "") for name in self.form.errors}
