"""Directory views, served through DirectoryPage's routes. Thin: parse, select, render."""

from django.http import Http404
from django.template.response import TemplateResponse


def directory_search(request, *, page):
    raise Http404  # filled in below


def directory_category(request, *, page, slug):
    raise Http404


def business_detail(request, *, page, slug):
    raise Http404


__all__ = ["TemplateResponse", "business_detail", "directory_category", "directory_search"]
