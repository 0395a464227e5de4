"""Form pieces other apps' forms share: choosing directory categories.

A form with a `categories` field of `CategoryChoiceField` (checkboxes) mixes in
`CategoryCheckboxes` so its template can show them under their top-level category, in the
directory's order (templates/components/category_checkboxes.html).
"""

from django import forms

from directory.models.listings import Category


class CategoryChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class CategoryCheckboxes:
    """For a ModelForm with a `categories` field: every category offered, read in one query."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].queryset = Category.objects.select_related("parent")

    def category_groups(self) -> list[tuple[str, list]]:
        """The category checkboxes under their top-level category, in the directory's order."""
        groups: dict[int, tuple[Category, list]] = {}
        for checkbox in self["categories"]:
            category = checkbox.data["value"].instance
            top = category.parent or category
            groups.setdefault(top.pk, (top, []))[1].append((category, checkbox))
        ordered = sorted(groups.values(), key=lambda group: (group[0].sort_order, group[0].name))
        return [
            (
                top.name,
                [
                    checkbox
                    for category, checkbox in sorted(
                        members,
                        key=lambda pair: (pair[0].parent_id is not None, *_order(pair[0])),
                    )
                ],
            )
            for top, members in ordered
        ]


def _order(category: Category) -> tuple[int, str]:
    return category.sort_order, category.name
