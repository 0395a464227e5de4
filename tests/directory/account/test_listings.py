"""/account/listings/: a member edits its own listings within its level, staff review the changes
in the admin, the member withdraws them or confirms the details are still correct.

Fixtures: member_a (Leadership: every listing feature, published listing "Aspen Bakery", Ada),
member_b (Community: basic listing "Birch Books", Ben), lapsed_member (Cedar Cafe, Cy), the
staff inbox and on-commit e-mails per request, from tests/conftest.py.
"""

import datetime
import io
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from PIL import Image
from wagtail.models import ModelLogEntry, Revision, Site
from wagtail.test.utils.form_data import querydict_from_html

from chamber.models import ChamberSettings
from directory.account.forms import LOGO_COLLECTION
from directory.actions import (
    LISTING_CHANGES_SUBMITTED,
    LISTING_CHANGES_WITHDRAWN,
    LISTING_DETAILS_CONFIRMED,
)
from directory.models import Business
from tests.admin_actions import posted_form, staff_publish
from tests.factories import BusinessFactory
from tests.mail import committed
from tests.membership.helpers import STAFF_INBOX

LIST_URL = "/account/listings/"
ADMIN_LISTINGS = "/admin/snippets/directory/business/"
NOW = timezone.now()
YEAR = datetime.timedelta(days=365)
PAYLOAD = "<script>alert(1)</script>"
TIER_FIELDS = {
    "logo",
    "description",
    "facebook_url",
    "instagram_url",
    "linkedin_url",
    "x_url",
    "opening_hours",
}


def edit_url(business) -> str:
    return f"/account/listings/{business.slug}/"


def main_html(response) -> str:
    return response.text.split("<main", 1)[1].split("</main>", 1)[0]


def form_data(client, business, **changes) -> dict:
    """The edit form as the browser would post it, with `changes` typed in."""
    response = client.get(edit_url(business))
    assert response.status_code == 200
    data = posted_form(response.text, form_id="listing-form")
    for name, value in changes.items():
        if isinstance(value, list):
            data.setlist(name, value)
        else:
            data[name] = value
    return dict(data.lists())


def submit(client, business, files=None, **changes):
    data = form_data(client, business, **changes)
    data.update(files or {})
    return client.post(edit_url(business), data)


def chamber_settings(**values) -> None:
    site = Site.objects.get(is_default_site=True)
    ChamberSettings.objects.update_or_create(site=site, defaults=values)


def public_page(client, business):
    return client.get(f"/directory/{business.slug}/")


def search_names(client, query: str) -> list[str]:
    response = client.get("/directory/", {"q": query})
    assert response.status_code == 200
    return [business.name for business in response.context["results"].page]


def image_file(fmt: str, *, size=(120, 80), name=None, extra: bytes = b"") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    mode = "RGBA" if fmt in ("PNG", "WEBP") else "RGB"
    Image.new(mode, size, (200, 30, 30, 255) if mode == "RGBA" else (200, 30, 30)).save(
        buffer, format=fmt
    )
    extension = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}[fmt]
    return SimpleUploadedFile(name or f"logo.{extension}", buffer.getvalue() + extra)


# Who may reach what -------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, member_a, settings):
    slug = member_a.business.slug
    for url in (LIST_URL, f"/account/listings/{slug}/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(f"{settings.LOGIN_URL}?next=")
    for url in (f"/account/listings/{slug}/withdraw/", f"/account/listings/{slug}/confirm/"):
        assert client.post(url).url.startswith(f"{settings.LOGIN_URL}?next=")
    member_a.business.refresh_from_db()
    assert member_a.business.verified_at is None


def test_another_members_listing_is_not_found(ada, member_a, member_b):
    other = member_b.business
    assert ada.get(edit_url(other)).status_code == 404
    assert ada.post(edit_url(other), {"name": "Mine now", "city": "Riverside"}).status_code == 404
    assert ada.post(edit_url(other) + "withdraw/").status_code == 404
    assert ada.post(edit_url(other) + "confirm/").status_code == 404
    assert ada.get("/account/listings/no-such-listing/").status_code == 404
    other.refresh_from_db()
    assert other.name == "Birch Books"
    assert other.verified_at is None
    assert not Revision.objects.for_instance(other).exists()


def test_withdraw_and_confirm_only_take_posts(ada, member_a):
    assert ada.get(edit_url(member_a.business) + "withdraw/").status_code == 405
    assert ada.get(edit_url(member_a.business) + "confirm/").status_code == 405


# The list of listings ---------------------------------------------------------------------------


def test_list_shows_each_listing_with_its_state(ada, member_a):
    draft = BusinessFactory(member=member_a, name="Aspen Bakery Northside", live=False)
    response = ada.get(LIST_URL)
    assert response.status_code == 200
    html = main_html(response)
    assert "Aspen Bakery" in html
    assert "Published" in html
    assert f'href="/directory/{member_a.business.slug}/"' in html
    assert f'href="{edit_url(member_a.business)}"' in html
    assert f'href="{edit_url(draft)}"' in html
    assert "Draft" in html
    assert f'href="/directory/{draft.slug}/"' not in html
    assert "Please check the details" in html  # never confirmed
    assert 'aria-current="page"' in response.text


def test_a_lapsed_members_listing_says_it_is_not_shown(client, lapsed_member):
    client.force_login(lapsed_member.user)
    html = main_html(client.get(LIST_URL))
    assert "Not shown: membership not in good standing" in html
    assert "/directory/cedar-cafe/" not in html


def test_list_shows_the_confirmation_date_and_asks_again_after_a_year(ada, member_a):
    Business.objects.filter(pk=member_a.business.pk).update(verified_at=NOW - YEAR / 2)
    html = main_html(ada.get(LIST_URL))
    assert f"Details confirmed {timezone.localtime(NOW - YEAR / 2):%-d %B %Y}" in html
    assert "Please check the details" not in html
    Business.objects.filter(pk=member_a.business.pk).update(
        verified_at=NOW - YEAR - datetime.timedelta(days=1)
    )
    assert "Please check the details" in main_html(ada.get(LIST_URL))


def test_dashboard_panel_shows_pending_changes_and_asks_to_confirm(ada, member_a):
    submit(ada, member_a.business, summary="Rye and spelt.")
    html = main_html(ada.get("/account/"))
    assert "Aspen Bakery" in html
    assert "Changes awaiting review" in html
    assert "Are its details still correct?" in html
    response = ada.post(
        edit_url(member_a.business) + "confirm/", {"return_to": "dashboard"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/account/"
    assert "Are its details still correct?" not in main_html(response)


# The form follows the level -----------------------------------------------------------------------


def test_basic_level_form_offers_only_the_basic_fields(client, member_b):
    client.force_login(member_b.user)
    response = client.get(edit_url(member_b.business))
    assert response.status_code == 200
    form = response.context["form"]
    assert not TIER_FIELDS & set(form.fields)
    assert {"name", "summary", "categories", "city", "phone_visibility", "website"} <= set(
        form.fields
    )
    assert 'name="slug"' not in response.text
    assert 'name="member"' not in response.text
    assert 'enctype="multipart/form-data"' in response.text


def test_basic_level_posting_higher_level_fields_changes_nothing(client, member_b):
    client.force_login(member_b.user)
    business = member_b.business
    response = submit(
        client,
        business,
        files={"logo": image_file("PNG")},
        summary="Second-hand books.",
        description="Not allowed.",
        facebook_url="https://facebook.example/birch",
        opening_hours="Always",
        slug="stolen-slug",
        member=str(business.member_id + 1),
        live="on",
    )
    assert response.status_code == 303
    draft = Business.objects.get(pk=business.pk).get_latest_revision_as_object()
    assert draft.summary == "Second-hand books."
    assert draft.description == ""
    assert draft.facebook_url == ""
    assert draft.opening_hours == ""
    assert draft.logo_id is None
    assert draft.slug == business.slug
    assert draft.member_id == business.member_id
    assert not Revision.objects.for_instance(business).get().content["logo"]


def test_enhanced_level_form_offers_logo_description_social_links_and_hours(ada, member_a):
    form = ada.get(edit_url(member_a.business)).context["form"]
    assert set(form.fields) >= TIER_FIELDS


# Review by staff ----------------------------------------------------------------------------------


def test_member_changes_wait_for_staff_and_then_go_live(client, member_a, staff_user, mailoutbox):
    business = member_a.business
    business.summary = "Sourdough since 1999."
    business.save()
    client.force_login(member_a.user)
    response = submit(client, business, name="Aspen Artisan Bakery", summary="Rye and spelt.")
    assert response.status_code == 303
    assert response.url == LIST_URL

    # A draft revision by Ada; the listing's row, public page and search are unchanged.
    business.refresh_from_db()
    assert business.name == "Aspen Bakery"
    assert business.has_unpublished_changes
    revision = business.latest_revision
    assert revision.user == member_a.user
    assert revision.content["summary"] == "Rye and spelt."
    entry = ModelLogEntry.objects.get(action=LISTING_CHANGES_SUBMITTED)
    assert entry.user == member_a.user
    page = public_page(client, business)
    assert "Sourdough since 1999." in page.text
    assert "Rye and spelt." not in page.text
    assert search_names(client, "spelt") == []
    assert search_names(client, "sourdough") == ["Aspen Bakery"]
    assert search_names(client, "artisan") == []

    # The member sees the changes waiting, and the form shows them.
    html = main_html(client.get(LIST_URL))
    assert "Changes awaiting review" in html
    assert "Withdraw my changes" in html
    edit = client.get(edit_url(business))
    assert 'value="Rye and spelt."' in edit.text
    assert "Changes awaiting review" in edit.text

    # Staff were told, with a link to the listing's changes in the admin's review queue.
    (staff_mail,) = mailoutbox
    assert staff_mail.to == [STAFF_INBOX]
    assert "Aspen Artisan Bakery" in staff_mail.subject
    assert f"/admin/review-queue/listing/{business.pk}/" in staff_mail.body
    assert "ada@aspen.example" in staff_mail.body
    mailoutbox.clear()

    # Staff find it under "Changes awaiting review" and publish it.
    client.force_login(staff_user)
    listed = client.get(ADMIN_LISTINGS, {"has_unpublished_changes": "true"})
    assert "Aspen Bakery" in listed.text
    assert "Birch" not in listed.text
    staff_publish(client, staff_user, business)

    business.refresh_from_db()
    assert business.name == "Aspen Artisan Bakery"
    assert not business.has_unpublished_changes
    page = public_page(client, business)
    assert "Rye and spelt." in page.text
    assert search_names(client, "spelt") == ["Aspen Artisan Bakery"]
    (member_mail,) = mailoutbox
    assert member_mail.to == ["ada@aspen.example"]
    assert "Aspen Artisan Bakery" in member_mail.subject
    assert f"/directory/{business.slug}/" in member_mail.body


def test_publishing_the_members_revision_directly_also_tells_the_member(
    ada, member_a, mailoutbox, django_capture_on_commit_callbacks
):
    submit(ada, member_a.business, summary="Rye and spelt.")
    mailoutbox.clear()
    business = Business.objects.get(pk=member_a.business.pk)
    with django_capture_on_commit_callbacks(execute=True):
        business.latest_revision.publish()
    assert Business.objects.get(pk=business.pk).summary == "Rye and spelt."
    assert [message.to for message in mailoutbox] == [["ada@aspen.example"]]


def test_staff_publishing_their_own_edit_later_mails_nobody(
    client, member_a, staff_user, mailoutbox
):
    client.force_login(member_a.user)
    submit(client, member_a.business, summary="Rye and spelt.")
    staff_publish(client, staff_user, member_a.business)
    mailoutbox.clear()
    staff_publish(client, staff_user, member_a.business)
    assert mailoutbox == []


def test_changes_go_live_at_once_when_the_chamber_needs_no_approval(ada, member_a, mailoutbox):
    chamber_settings(member_edits_need_approval=False)
    edit = ada.get(edit_url(member_a.business))
    assert "Save and publish" in edit.text
    response = submit(ada, member_a.business, summary="Rye and spelt.")
    assert response.status_code == 303
    messages = [str(m) for m in ada.get(response.url).context["messages"]]
    assert messages == ["Thank you: your changes are live in the directory."]
    business = Business.objects.get(pk=member_a.business.pk)
    assert business.summary == "Rye and spelt."
    assert not business.has_unpublished_changes
    assert business.live_revision.user == member_a.user
    assert "Rye and spelt." in public_page(ada, business).text
    assert search_names(ada, "spelt") == ["Aspen Bakery"]
    # Staff are told (nothing to review); the member is not mailed about their own change.
    assert [message.to for message in mailoutbox] == [[STAFF_INBOX]]
    assert "live already" in mailoutbox[0].body


def test_a_never_published_listing_waits_while_new_listings_need_approval(ada, member_a):
    chamber_settings(member_edits_need_approval=False, new_listings_need_approval=True)
    draft = BusinessFactory(member=member_a, name="Aspen Bakery Northside", live=False)
    submit(ada, draft, summary="Opening soon.")
    draft.refresh_from_db()
    assert not draft.live
    assert draft.has_unpublished_changes
    assert draft.summary == "A local business."

    chamber_settings(member_edits_need_approval=False, new_listings_need_approval=False)
    submit(ada, draft, summary="Open now.")
    draft.refresh_from_db()
    assert draft.live
    assert draft.summary == "Open now."


def test_unchanged_form_saves_nothing(ada, member_a, mailoutbox):
    response = submit(ada, member_a.business)
    assert response.status_code == 303
    assert not Revision.objects.for_instance(member_a.business).exists()
    assert mailoutbox == []


def test_a_listing_staff_have_locked_cannot_be_saved(ada, member_a, staff_user):
    Business.objects.filter(pk=member_a.business.pk).update(
        locked=True, locked_by=staff_user, locked_at=NOW
    )
    page = ada.get(edit_url(member_a.business))
    assert "editing this listing just now" in page.text
    assert "Send for review" not in page.text
    response = ada.post(edit_url(member_a.business), {"name": "Taken over", "city": "Riverside"})
    assert response.status_code == 303
    assert not Revision.objects.for_instance(member_a.business).exists()


# Withdrawing ------------------------------------------------------------------------------------


def test_member_withdraws_changes_waiting_for_review(client, member_a, staff_user, mailoutbox):
    business = member_a.business
    client.force_login(member_a.user)
    submit(client, business, summary="Rye and spelt.")
    waiting = Business.objects.get(pk=business.pk).latest_revision

    response = client.post(edit_url(business) + "withdraw/")
    assert response.status_code == 303
    business.refresh_from_db()
    assert not business.has_unpublished_changes
    assert business.summary == "A local business."
    assert business.latest_revision.content["summary"] == "A local business."
    assert Revision.objects.filter(pk=waiting.pk).exists()  # kept in the history
    entry = ModelLogEntry.objects.get(action=LISTING_CHANGES_WITHDRAWN)
    assert entry.data["withdrawn_revision"] == waiting.pk
    html = main_html(client.get(LIST_URL))
    assert "Changes awaiting review" not in html
    assert 'value="A local business."' in client.get(edit_url(business)).text

    # Staff publishing the listing afterwards don't answer a withdrawn request.
    mailoutbox.clear()
    staff_publish(client, staff_user, business)
    assert mailoutbox == []


def test_member_cannot_withdraw_a_draft_staff_saved(ada, member_a, staff_user):
    business = member_a.business
    business.save_revision(user=staff_user).publish()
    business = Business.objects.get(pk=business.pk)
    business.summary = "Staff wording."
    business.save_revision(user=staff_user)
    assert "Withdraw my changes" not in main_html(ada.get(LIST_URL))
    ada.post(edit_url(business) + "withdraw/")
    business.refresh_from_db()
    assert business.has_unpublished_changes
    assert business.latest_revision.content["summary"] == "Staff wording."


def test_withdrawing_a_never_published_listing_leaves_it_as_it_is(ada, member_a):
    draft = BusinessFactory(member=member_a, name="Aspen Bakery Northside", live=False)
    submit(ada, draft, summary="Opening soon.")
    ada.post(edit_url(draft) + "withdraw/")
    draft.refresh_from_db()
    assert draft.latest_revision.content["summary"] == "Opening soon."
    assert not ModelLogEntry.objects.filter(action=LISTING_CHANGES_WITHDRAWN).exists()


# Details still correct ---------------------------------------------------------------------------


def test_member_confirms_the_details_are_still_correct(ada, member_a):
    business = member_a.business
    response = ada.post(edit_url(business) + "confirm/")
    assert response.status_code == 303
    business.refresh_from_db()
    assert business.verified_at is not None
    assert timezone.now() - business.verified_at < datetime.timedelta(minutes=1)
    assert ModelLogEntry.objects.get(action=LISTING_DETAILS_CONFIRMED).user == member_a.user
    today = timezone.localdate()
    assert f"Details confirmed {today:%-d %B %Y}" in main_html(ada.get(LIST_URL))
    assert "Details confirmed <time" in public_page(ada, business).text


def test_confirming_while_changes_wait_survives_their_publication(client, member_a, staff_user):
    business = member_a.business
    client.force_login(member_a.user)
    submit(client, business, summary="Rye and spelt.")
    client.post(edit_url(business) + "confirm/")
    staff_publish(client, staff_user, business)
    business.refresh_from_db()
    assert business.summary == "Rye and spelt."
    assert business.verified_at is not None


# Logo uploads ------------------------------------------------------------------------------------


def logo_errors(client, business, upload) -> list[str]:
    response = submit(client, business, files={"logo": upload})
    assert response.status_code == 400
    assert 'role="alert"' in response.text
    return response.context["form"].errors["logo"]


@pytest.mark.parametrize(
    ("upload", "expected"),
    [
        (SimpleUploadedFile("logo.png", b"just some text, honestly"), "isn't an image we can read"),
        (
            SimpleUploadedFile(
                "logo.png",
                b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
                b"<script>alert(1)</script></svg>",
            ),
            "SVG images aren't accepted",
        ),
        (
            SimpleUploadedFile("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>'),
            "SVG images aren't accepted",
        ),
        (image_file("GIF"), "GIF images aren't accepted"),
        (image_file("PNG", size=(4001, 10)), "4001 × 10 pixels"),  # noqa: RUF001
        (image_file("PNG", size=(10, 4001)), "at most"),
    ],
    ids=["text-named-png", "svg-named-png", "svg", "gif", "too-wide", "too-tall"],
)
def test_logo_uploads_that_are_refused(ada, member_a, upload, expected):
    (error,) = logo_errors(ada, member_a.business, upload)
    assert expected in error
    assert not Revision.objects.for_instance(member_a.business).exists()


def test_a_logo_over_two_megabytes_is_refused(ada, member_a):
    big = image_file("PNG", extra=b"\0" * (2 * 1024 * 1024))
    (error,) = logo_errors(ada, member_a.business, big)
    assert "2.0\xa0MB at most" in error


def test_a_huge_image_in_a_small_file_is_refused_unread(ada, member_a):
    # 20,000 × 20,000 pixels of one colour compress to a few kilobytes.  # noqa: RUF003
    buffer = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buffer, format="PNG")
    assert len(buffer.getvalue()) < 200_000
    (error,) = logo_errors(ada, member_a.business, SimpleUploadedFile("x.png", buffer.getvalue()))
    assert "too many pixels" in error


def test_a_png_with_a_script_appended_is_stored_without_it(ada, member_a):
    upload = image_file("PNG", extra=b"<script>alert(1)</script>")
    response = submit(ada, member_a.business, files={"logo": upload})
    assert response.status_code == 303
    draft = Business.objects.get(pk=member_a.business.pk).get_latest_revision_as_object()
    with draft.logo.open_file() as stored:
        content = stored.read()
    assert b"<script" not in content
    assert Image.open(io.BytesIO(content)).format == "PNG"
    assert draft.logo.collection.name == LOGO_COLLECTION
    assert draft.logo.uploaded_by_user == member_a.user


def test_metadata_is_stripped_from_an_uploaded_photo(ada, member_a):
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x010E] = "home address of the owner"
    Image.new("RGB", (50, 50), "blue").save(buffer, format="JPEG", exif=exif.tobytes())
    assert b"home address" in buffer.getvalue()
    submit(ada, member_a.business, files={"logo": SimpleUploadedFile("me.jpg", buffer.getvalue())})
    draft = Business.objects.get(pk=member_a.business.pk).get_latest_revision_as_object()
    with draft.logo.open_file() as stored:
        assert b"home address" not in stored.read()


def test_a_jpeg_comment_is_stripped_too(ada, member_a):
    """Issue #23: the re-encoded JPEG kept its comment segment (Pillow writes it back)."""
    buffer = io.BytesIO()
    Image.new("RGB", (50, 50), "blue").save(buffer, format="JPEG", comment=b"call 555-0100")
    submit(ada, member_a.business, files={"logo": SimpleUploadedFile("me.jpg", buffer.getvalue())})
    draft = Business.objects.get(pk=member_a.business.pk).get_latest_revision_as_object()
    with draft.logo.open_file() as stored:
        content = stored.read()
    assert b"555-0100" not in content
    assert "comment" not in Image.open(io.BytesIO(content)).info


def test_a_logo_waiting_for_review_is_at_an_address_no_one_can_guess(ada, member_a):
    submit(ada, member_a.business, files={"logo": image_file("PNG")})
    first = Business.objects.get(pk=member_a.business.pk).get_latest_revision_as_object().logo
    submit(ada, member_a.business, files={"logo": image_file("PNG")})
    second = Business.objects.get(pk=member_a.business.pk).get_latest_revision_as_object().logo
    assert re.search(r"-[0-9a-f]{16}\.png$", second.file.name)
    assert first.file.name.rsplit("-", 1)[0] == second.file.name.rsplit("-", 1)[0]
    assert first.file.name != second.file.name


def test_logos_of_replaced_or_withdrawn_drafts_are_deleted(ada, member_a):
    business = member_a.business
    submit(ada, business, files={"logo": image_file("PNG")})
    replaced = Business.objects.get(pk=business.pk).get_latest_revision_as_object().logo
    submit(ada, business, files={"logo": image_file("JPEG")})
    waiting = Business.objects.get(pk=business.pk).get_latest_revision_as_object().logo
    ImageModel = type(waiting)
    assert not ImageModel.objects.filter(pk=replaced.pk).exists()  # superseded before review
    assert ImageModel.objects.filter(pk=waiting.pk).exists()

    response = ada.post(edit_url(business) + "withdraw/")
    assert response.status_code == 303
    assert not ImageModel.objects.filter(pk=waiting.pk).exists()
    assert Business.objects.get(pk=business.pk).get_latest_revision_as_object().logo_id is None


def waiting_logo(business):
    return Business.objects.get(pk=business.pk).get_latest_revision_as_object().logo


def rendition_url(html: str) -> str:
    return re.search(r'<img[^>]+src="([^"]+)"', html.split("Current logo", 1)[1]).group(1)


def test_a_logo_waiting_for_review_is_kept_out_of_public_storage(
    client, settings, member_a, member_b, staff_user
):
    """Issue #23: a logo submitted for review was a public image before anyone approved it."""
    client.force_login(member_a.user)
    submit(client, member_a.business, files={"logo": image_file("PNG")})
    logo = waiting_logo(member_a.business)
    assert not (settings.MEDIA_ROOT / logo.file.name).exists()
    assert (settings.PRIVATE_MEDIA_ROOT / logo.file.name).exists()
    assert not list(settings.MEDIA_ROOT.rglob("*.png"))  # no rendition either
    assert logo.file.url.startswith("/private-media/")
    # The member sees it on the edit form, through a rendition that is private too.
    shown = rendition_url(client.get(edit_url(member_a.business)).text)
    assert shown.startswith("/private-media/images/")
    assert not list(settings.MEDIA_ROOT.rglob("*.png"))
    urls = (logo.file.url, shown)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200
        assert Image.open(io.BytesIO(b"".join(response.streaming_content))).format == "PNG"
        assert "no-store" in response["Cache-Control"]
    # Nobody else: not the public, not another member.
    client.logout()
    assert {client.get(url).status_code for url in urls} == {404}
    client.force_login(member_b.user)
    assert {client.get(url).status_code for url in urls} == {404}
    # Staff who review listings do see it.
    client.force_login(staff_user)
    assert {client.get(url).status_code for url in urls} == {200}
    # Names that are not files waiting for review are not served from here at all.
    assert client.get("/private-media/original_images/../../settings.py").status_code == 404
    assert client.get("/private-media/original_images/nothing.png").status_code == 404


def test_publishing_the_listing_makes_its_logo_public(client, settings, member_a, staff_user):
    client.force_login(member_a.user)
    submit(client, member_a.business, files={"logo": image_file("PNG")})
    logo = waiting_logo(member_a.business)
    private_file = settings.PRIVATE_MEDIA_ROOT / logo.file.name
    client.get(edit_url(member_a.business))  # a private rendition to be replaced

    staff_publish(client, staff_user, member_a.business)
    logo.refresh_from_db()
    assert member_a.business.__class__.objects.get(pk=member_a.business.pk).logo_id == logo.pk
    assert logo.file.url.startswith("/media/original_images/")
    assert "awaiting-review" not in logo.file.name
    assert (settings.MEDIA_ROOT / logo.file.name).exists()
    assert not private_file.exists()
    assert not [p for p in settings.PRIVATE_MEDIA_ROOT.rglob("*") if p.is_file()]
    page = public_page(client, member_a.business)
    assert "/media/images/" in page.text
    assert "/private-media/" not in page.text


def test_a_logo_goes_public_at_once_when_changes_need_no_approval(ada, settings, member_a):
    chamber_settings(member_edits_need_approval=False)
    submit(ada, member_a.business, files={"logo": image_file("JPEG")})
    business = Business.objects.get(pk=member_a.business.pk)
    assert business.logo is not None
    assert business.logo.file.url.startswith("/media/original_images/")
    assert (settings.MEDIA_ROOT / business.logo.file.name).exists()


def test_a_logo_staff_leave_out_when_publishing_is_deleted(client, member_a, staff_user):
    """Staff turn the logo down by publishing the listing without it: the upload goes."""
    client.force_login(member_a.user)
    submit(client, member_a.business, files={"logo": image_file("PNG")})
    logo = waiting_logo(member_a.business)
    client.force_login(staff_user)
    url = f"/admin/snippets/directory/business/edit/{member_a.business.pk}/"
    data = querydict_from_html(client.get(url).text, form_id="w-editor-form")
    data["logo"] = ""
    data["action-publish"] = "action-publish"
    assert client.post(url, dict(data.lists())).status_code == 302
    assert not type(logo).objects.filter(pk=logo.pk).exists()
    assert Business.objects.get(pk=member_a.business.pk).logo_id is None


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_a_valid_logo_is_accepted_and_shown_once_published(client, member_a, staff_user, fmt):
    business = member_a.business
    client.force_login(member_a.user)
    # Named without an extension: the content decides, not the name.
    response = submit(client, business, files={"logo": image_file(fmt, name="logo")})
    assert response.status_code == 303
    draft = Business.objects.get(pk=business.pk).get_latest_revision_as_object()
    assert draft.logo is not None
    assert draft.logo.file.name.endswith({"PNG": ".png", "JPEG": ".jpg", "WEBP": ".webp"}[fmt])
    assert draft.logo.width == 120
    edit = client.get(edit_url(business))
    assert "Current logo" in edit.text
    assert "Remove the current logo" in edit.text

    staff_publish(client, staff_user, business)
    business.refresh_from_db()
    assert business.logo_id == draft.logo_id
    page = public_page(client, business)
    assert 'class="logo-tile business__logo"' in page.text


def test_member_removes_the_logo(ada, member_a):
    submit(ada, member_a.business, files={"logo": image_file("PNG")})
    response = submit(ada, member_a.business, remove_logo="on")
    assert response.status_code == 303
    draft = Business.objects.get(pk=member_a.business.pk).get_latest_revision_as_object()
    assert draft.logo_id is None


# Escaping and errors -----------------------------------------------------------------------------


def test_markup_typed_by_members_is_escaped_everywhere(client, member_a, staff_user):
    business = member_a.business
    client.force_login(member_a.user)
    response = submit(
        client,
        business,
        name=f"Aspen {PAYLOAD}",
        summary=PAYLOAD,
        street=PAYLOAD,
        description=f"Fresh bread {PAYLOAD}\n\n- rye\n- <b>spelt</b>",
        opening_hours=PAYLOAD,
    )
    assert response.status_code == 303
    edit = client.get(edit_url(business))
    assert PAYLOAD not in edit.text
    assert edit.text.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 4
    draft = Business.objects.get(pk=business.pk).get_latest_revision_as_object()
    assert "<script" not in draft.description
    assert "<b>" not in draft.description
    assert "<ul><li>rye</li>" in draft.description

    staff_publish(client, staff_user, business)
    page = public_page(client, business)
    assert page.status_code == 200
    assert PAYLOAD not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    staff_mail = next(m for m in mail.outbox if m.to == [STAFF_INBOX])
    assert PAYLOAD not in staff_mail.alternatives[0][0]


def test_invalid_input_shows_errors_and_keeps_what_was_typed(ada, member_a):
    response = submit(
        ada,
        member_a.business,
        name="",
        summary="Kept summary",
        website="not a web address",
        email="not-an-email",
        phone_visibility="nobody",
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"name", "website", "email", "phone_visibility"}
    html = main_html(response)
    assert 'role="alert"' in html
    assert 'value="Kept summary"' in html
    assert 'value="not a web address"' in html
    assert 'aria-invalid="true"' in html
    assert 'href="#id_website"' in html
    assert not Revision.objects.for_instance(member_a.business).exists()


def test_a_failed_upload_keeps_the_other_typed_values(ada, member_a):
    response = submit(
        ada,
        member_a.business,
        files={"logo": image_file("GIF")},
        summary="Typed before the upload failed",
    )
    assert response.status_code == 400
    assert 'value="Typed before the upload failed"' in response.text


def test_an_unchanged_description_keeps_its_formatting(ada, member_a):
    business = member_a.business
    business.description = '<p>Open <b>late</b>, see <a href="https://aspen.example">us</a>.</p>'
    business.save()
    submit(ada, business, summary="Rye and spelt.")
    draft = Business.objects.get(pk=business.pk).get_latest_revision_as_object()
    assert draft.description == business.description


def test_categories_are_grouped_under_their_top_level_category(ada, member_a, bakeries):
    from tests.factories import CategoryFactory

    food = CategoryFactory(name="Food", slug="food")
    cafes = CategoryFactory(name="Cafes", slug="cafes", parent=food)
    groups = ada.get(edit_url(member_a.business)).context["form"].category_groups()
    assert [(name, [c.choice_label for c in boxes]) for name, boxes in groups] == [
        ("Bakeries", ["Bakeries"]),
        ("Food", ["Food", "Cafes"]),
    ]
    response = submit(ada, member_a.business, categories=[str(cafes.pk)])
    assert response.status_code == 303
    draft = Business.objects.get(pk=member_a.business.pk).get_latest_revision_as_object()
    assert list(draft.categories.all()) == [cafes]
    assert re.search(r"<legend>Food</legend>", ada.get(edit_url(member_a.business)).text)


# The yearly check request (manage.py send_listing_check_requests) ----------------------------


def run_check_requests() -> str:
    out = io.StringIO()
    with committed():
        call_command("send_listing_check_requests", stdout=out)
    return out.getvalue()


@pytest.fixture
def due_listings(member_a, member_b, lapsed_member):
    """Aspen: never confirmed, listed two years ago; Birch: confirmed 400 days ago. Neither
    Cedar Cafe (lapsed), a recently confirmed listing nor a draft is due."""
    two_years_ago = NOW - 2 * YEAR
    Business.objects.filter(pk=member_a.business.pk).update(created_at=two_years_ago)
    Business.objects.filter(pk=member_b.business.pk).update(
        created_at=two_years_ago, verified_at=NOW - datetime.timedelta(days=400)
    )
    Business.objects.filter(pk=lapsed_member.business.pk).update(created_at=two_years_ago)
    recent = BusinessFactory(member=member_a, name="Aspen Bakery Hillcrest")
    draft = BusinessFactory(member=member_b, name="Birch Books Annex", live=False)
    Business.objects.filter(pk__in=[recent.pk, draft.pk]).update(created_at=two_years_ago)
    Business.objects.filter(pk=recent.pk).update(verified_at=NOW - datetime.timedelta(days=100))
    new = BusinessFactory(member=member_b, name="Birch Books Pop-up")
    return {"aspen": member_a.business, "birch": member_b.business, "new": new}


def test_members_are_asked_once_a_year_to_confirm_their_listings(
    member_a, member_b, due_listings, mailoutbox
):
    output = run_check_requests()
    assert "2 listing(s) asked about, 0 failed" in output
    by_recipient = {tuple(message.to): message for message in mailoutbox}
    assert set(by_recipient) == {("ada@aspen.example",), ("ben@birch.example",)}
    aspen_mail = by_recipient[("ada@aspen.example",)]
    assert "Aspen Bakery" in aspen_mail.body
    assert "Hillcrest" not in aspen_mail.body
    assert f"/account/listings/?member={member_a.pk}" in aspen_mail.body
    birch_mail = by_recipient[("ben@birch.example",)]
    assert "Birch Books" in birch_mail.subject
    assert "last confirmed" in birch_mail.body
    assert "Annex" not in birch_mail.body and "Pop-up" not in birch_mail.body
    asked = Business.objects.exclude(verification_requested_at=None)
    assert set(asked.values_list("name", flat=True)) == {"Aspen Bakery", "Birch Books"}

    mailoutbox.clear()
    assert "0 listing(s) asked about" in run_check_requests()
    assert mailoutbox == []


def test_a_listing_still_unconfirmed_a_year_later_is_asked_about_again(due_listings, mailoutbox):
    from directory.check_requests import send_listing_check_requests

    with committed():
        send_listing_check_requests(now=NOW)
        assert len(send_listing_check_requests(now=NOW + YEAR / 2).sent) == 0
    for member in (due_listings["aspen"].member, due_listings["birch"].member):
        member.paid_through = (NOW + 2 * YEAR).date()  # both renewed meanwhile
        member.save()
    later = send_listing_check_requests(now=NOW + YEAR + datetime.timedelta(days=1))
    assert due_listings["aspen"].pk in later.sent
    assert due_listings["birch"].pk in later.sent


def test_a_confirmed_listing_is_not_asked_about(ada, due_listings, mailoutbox):
    ada.post(edit_url(due_listings["aspen"]) + "confirm/")
    run_check_requests()
    assert [message.to for message in mailoutbox] == [["ben@birch.example"]]


def test_a_failed_send_is_retried_on_the_next_run(due_listings, monkeypatch, mailoutbox):
    from chamber import emails

    real_send = emails.send

    def send(name, to, context):
        if "ada@aspen.example" in to:
            raise ConnectionError("mail server away")
        return real_send(name, to, context)

    monkeypatch.setattr(emails, "send", send)
    with pytest.raises(SystemExit):
        run_check_requests()
    assert Business.objects.get(pk=due_listings["aspen"].pk).verification_requested_at is None
    assert Business.objects.get(pk=due_listings["birch"].pk).verification_requested_at
    monkeypatch.setattr(emails, "send", real_send)
    mailoutbox.clear()
    run_check_requests()
    assert [message.to for message in mailoutbox] == [["ada@aspen.example"]]


def test_asking_is_remembered_on_a_draft_waiting_for_review(
    client, member_a, due_listings, staff_user
):
    client.force_login(member_a.user)
    submit(client, due_listings["aspen"], summary="Rye and spelt.")
    run_check_requests()
    staff_publish(client, staff_user, due_listings["aspen"])
    business = Business.objects.get(pk=due_listings["aspen"].pk)
    assert business.summary == "Rye and spelt."
    assert business.verification_requested_at is not None


def test_eleven_edits_in_an_hour_email_the_staff_once(ada, member_a, mailoutbox):
    """Issue #23: each saved edit e-mailed the staff (11 edits, 11 e-mails)."""
    for number in range(11):
        response = submit(ada, member_a.business, summary=f"Fresh bread, batch {number}")
        assert response.status_code == 303
    staff = [message for message in mailoutbox if message.to == [STAFF_INBOX]]
    assert len(staff) == 1


def test_a_member_may_send_twenty_edits_an_hour(ada, member_a, settings):
    settings.MEMBER_SUBMISSION_LIMITS = {**settings.MEMBER_SUBMISSION_LIMITS, "listing": (2, 3600)}
    for number in range(2):
        assert submit(ada, member_a.business, summary=f"Batch {number}").status_code == 303
    refused = submit(ada, member_a.business, summary="Batch three")
    assert refused.status_code == 429
    assert "a lot of changes in a short time" in refused.text
    assert 'value="Batch three"' in refused.text  # what was typed is kept
