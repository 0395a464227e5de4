"""Keyword search for the directory (interim: replaced by the full-text version below)."""

from django.db.models import Q


def matching(queryset, query: str):
    terms = query.split()
    condition = Q()
    for term in terms:
        condition &= (
            Q(name__icontains=term)
            | Q(summary__icontains=term)
            | Q(keywords__icontains=term)
            | Q(city__icontains=term)
            | Q(categories__name__icontains=term)
        )
    return queryset.filter(condition).values("pk")


def ranked(queryset, query: str):
    return queryset.order_by("-is_featured", "name", "pk")
