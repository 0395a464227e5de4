"""Directory views, served through DirectoryPage's routes. Thin: parse, select, render."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from chamber.http import SeeOther
from chamber.pagination import parse_page_number
from chamber.ratelimit import allow, client_address, client_ip
from directory import engagement
from directory.browse import (
    INDEX_KEYS,
    LETTER_PAGE_SIZE,
    alphabet,
    category_counts_tree,
    letter_label,
    letter_page,
)
from directory.cards import result_cards
from directory.filters import SORT_CHOICES
from directory.forms import ContactForm
from directory.selectors import directory_results, publicly_listed_business
from directory.services import contact_message_send
from directory.structured_data import local_business_json_ld
from directory.taxonomy import category_tree, membership_levels


def directory_search(request, *, page):
    results = directory_results(params=request.GET)
    return _render_results(request, page=page, results=results, category=None)


def directory_category(request, *, page, slug):
    category = category_tree().by_slug.get(slug)
    if category is None:
        raise Http404("No such category")
    results = directory_results(params=request.GET, category=category)
    return _render_results(request, page=page, results=results, category=category)


def _render_results(request, *, page, results, category):
    directory_url = page.get_url(request)  # once per page, not once per card or link
    return TemplateResponse(
        request,
        "directory/directory_page.html",
        {
            "page": page,
            "self": page,
            "results": results,
            "category": category,
            "directory_url": directory_url,
            "cards": result_cards(results.page, directory_url=directory_url),
            "level_options": membership_levels(),
            "sort_options": SORT_CHOICES,
        },
    )


def business_detail(request, *, page, slug):
    business = publicly_listed_business(slug)
    if business is None:
        raise Http404("No such listing")
    form = None
    if business.takes_messages:
        user = request.user
        signed_in = user.is_authenticated
        form = ContactForm(
            initial={"name": user.get_full_name(), "email": user.email} if signed_in else {}
        )
    return _detail_page(request, page=page, business=business, contact_form=form)


def _detail_page(request, *, page, business, contact_form, status=200):
    url = page.business_url(business, full=True)
    return TemplateResponse(
        request,
        "directory/business_detail.html",
        {
            "page": page,
            "self": page,
            "business": business,
            "canonical_url": url,
            "phone": business.phone_for(request.user),
            "email": business.email_for(request.user),
            "json_ld": local_business_json_ld(business, url=url),
            "sections": [
                render_to_string(*feature.section(business), request)
                for feature in business.features
            ],
            "contact_form": contact_form,
            "contact_url": page.business_url(business) + CONTACT_ROUTE,
        },
        status=status,
    )


CONTACT_ROUTE = "contact/"
SENT = "Thank you: your message was sent to {name}. They will answer you at {email}."
TOO_MANY_FROM_YOU = (
    "You have sent several messages in the last hour. Your message is below: please try "
    "again later."
)
TOO_MANY_FOR_LISTING = (
    "{name} has received a lot of messages today. Your message is below: please try again "
    "tomorrow, or use their other contact details."
)


def business_contact(request, *, page, slug):
    """POST: the listing's "Contact this business" form. Sent (or dropped, for a bot that
    filled the honeypot, with the same answer) → 303 to the listing, the thanks focused;
    mistakes → the listing with the errors (400); over a limit → the same, 429. Only posts
    that would send count towards the limits: a visitor correcting a typo isn't penalised."""
    business = publicly_listed_business(slug)
    if business is None or not business.takes_messages:
        raise Http404("No such listing, or it takes no messages")
    listing_url = page.business_url(business)
    if request.method != "POST":
        return HttpResponseRedirect(listing_url + "#contact-form")
    form = ContactForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, page=page, business=business, contact_form=form, status=400)
    per_address = settings.CONTACT_RATE_LIMIT_PER_HOUR
    if not allow("contact", client_ip(request), limit=per_address, window_seconds=3600):
        form.add_error(None, TOO_MANY_FROM_YOU)
        return _detail_page(request, page=page, business=business, contact_form=form, status=429)
    sender = form.cleaned_data
    if not form.is_spam:
        per_listing = settings.CONTACT_LISTING_LIMIT_PER_DAY
        if not allow("contact-listing", str(business.pk), limit=per_listing, window_seconds=86400):
            form.add_error(None, TOO_MANY_FOR_LISTING.format(name=business.name))
            return _detail_page(
                request, page=page, business=business, contact_form=form, status=429
            )
        contact_message_send(
            business=business,
            sender_name=sender["name"],
            sender_email=sender["email"],
            message=sender["message"],
            client_address=client_address(request),
            listing_url=page.business_url(business, full=True),
        )
    messages.success(request, SENT.format(name=business.name, email=sender["email"]))
    return SeeOther(listing_url + "#messages")


def browse_a_z(request, *, page, letter=None):
    """/directory/a-z/ (the letters, with how many listings each has) and
    /directory/a-z/<letter>/ (that letter's listings by name, 100 a page; "other" for names
    that don't start with a letter). An unknown letter is a 404; a capital one redirects."""
    directory_url = page.get_url(request)
    if letter is not None and letter not in INDEX_KEYS:
        if letter.lower() in INDEX_KEYS:
            return redirect(f"{directory_url}a-z/{letter.lower()}/", permanent=True)
        raise Http404("No such letter")
    context = {
        "page": page,
        "self": page,
        "letters": alphabet(),
        "letter": letter,
        "directory_url": directory_url,
    }
    if letter is not None:
        entries, total, number = letter_page(letter, parse_page_number(request.GET.get("page")))
        page_obj = Paginator(range(total), LETTER_PAGE_SIZE).page(number)
        page_obj.elided_range = list(
            page_obj.paginator.get_elided_page_range(number, on_each_side=1, on_ends=1)
        )
        context.update(
            letter_label=letter_label(letter),
            entries=entries,
            total=total,
            page_obj=page_obj,
        )
    return TemplateResponse(request, "directory/browse_a_z.html", context)


def browse_categories(request, *, page):
    """/directory/categories/: every category with public listings, sub-categories under
    their parents, each with its number of listings."""
    return TemplateResponse(
        request,
        "directory/browse_categories.html",
        {
            "page": page,
            "self": page,
            "tree": category_counts_tree(),
            "directory_url": page.get_url(request),
        },
    )


@csrf_exempt
@require_POST
@never_cache
def engagement_beacon(request):
    """POST /beacon/listing/ (`listing`, `kind`): count a view or a contact-link click of a
    public listing (directory/engagement.py says how and why). 204 when counted; 400 for an
    unknown kind, 404 for a listing the directory doesn't show, 429 past the rate limit."""
    kind = request.POST.get("kind", "")
    if kind not in engagement.KINDS:
        return HttpResponse(status=400)
    limit = settings.ENGAGEMENT_RATE_LIMIT_PER_HOUR
    if not allow("engagement", client_ip(request), limit=limit, window_seconds=3600):
        return HttpResponse(status=429)
    listing_id = engagement.countable_listing(request.POST.get("listing", ""))
    if listing_id is None:
        return HttpResponse(status=404)
    engagement.count(listing_id=listing_id, kind=kind)
    return HttpResponse(status=204)
