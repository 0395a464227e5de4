"""Members > Import a roster: upload a file, see every row as new, update, duplicate or error,
decide on the duplicates, confirm; only then is anything written (all rows or none). A large
file is written in the background (directory/roster/background.py), its page showing how far
it has got.

The file is kept on the server between the steps (models/roster.py), under a random token
only its uploader can use. Membership staff may import: adding and changing members.
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView, View
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from directory.models.roster import KEPT_FOR, RosterUpload
from directory.roster import background
from directory.roster.columns import COLUMNS
from directory.roster.forms import ConfirmForm, RosterUploadForm
from directory.roster.importer import roster_import, roster_preview
from directory.roster.preview import Action, ImportOptions
from directory.roster.reading import UnreadableFile
from directory.roster.template import template_csv, template_xlsx

PERMISSIONS = ("membership.add_member", "membership.change_member")
CREATE_CATEGORIES = "create_categories"  # the preview's "Create them and check again" button
MEMBER_LINKS = 200  # the result page links to the members written, up to this many
RESULTS_KEPT_FOR = datetime.timedelta(days=30)  # a background import's counts
REFRESH_SECONDS = 5  # the status page of a background import reloads itself


def may_import(user) -> bool:
    return user.has_perms(PERMISSIONS)


class ImportPermissionMixin:
    def dispatch(self, request, *args, **kwargs):
        if not may_import(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class UploadView(ImportPermissionMixin, WagtailAdminTemplateMixin, FormView):
    page_title = _("Import a roster")
    header_icon = "upload"
    template_name = "directory/admin/roster_upload.html"
    form_class = RosterUploadForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            columns=COLUMNS, inline_rows=settings.ROSTER_IMPORT_INLINE_ROWS, **kwargs
        )

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        data = upload.read()
        options = ImportOptions(
            preset=form.cleaned_data["preset"],
            date_order=form.cleaned_data["date_order"],
            create_categories=form.cleaned_data["create_categories"],
        )
        try:
            roster_preview(data, file_name=upload.name, options=options)
        except UnreadableFile as error:
            form.add_error("file", str(error))
            return self.form_invalid(form)
        # Earlier unconfirmed uploads of this user, anyone's left unconfirmed, and the records
        # of background imports finished long ago, are of no more use.
        unconfirmed = RosterUpload.objects.filter(status=RosterUpload.Status.UPLOADED)
        unconfirmed.filter(uploaded_by=self.request.user).delete()
        unconfirmed.filter(created_at__lt=timezone.now() - KEPT_FOR).delete()
        RosterUpload.objects.filter(finished_at__lt=timezone.now() - RESULTS_KEPT_FOR).delete()
        stored = RosterUpload.objects.create(
            uploaded_by=self.request.user,
            file_name=upload.name[:255],
            content=data,
            options=options.as_dict(),
        )
        return redirect("roster_import:preview", token=stored.token)


class PreviewView(WagtailAdminTemplateMixin, FormView):
    """GET: the preview. POST: write it, with the decisions taken on the page."""

    page_title = _("Import a roster: preview")
    header_icon = "upload"
    template_name = "directory/admin/roster_preview.html"
    form_class = ConfirmForm

    def dispatch(self, request, *args, **kwargs):
        if not may_import(request.user):
            raise PermissionDenied
        self.upload = RosterUpload.objects.filter(
            token=kwargs["token"],
            uploaded_by=request.user,
            created_at__gte=timezone.now() - KEPT_FOR,
        ).first()
        if self.upload is None:
            raise Http404("No such upload: it was imported, replaced by another, or expired.")
        if self.upload.status != RosterUpload.Status.UPLOADED:  # confirmed already
            return redirect("roster_import:status", token=self.upload.token)
        self.preview = roster_preview(
            bytes(self.upload.content),
            file_name=self.upload.file_name,
            options=ImportOptions(**self.upload.options),
        )
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if CREATE_CATEGORIES in request.POST:
            # The preview offered to create the categories it did not know: check again so.
            self.upload.options = {**self.upload.options, "create_categories": True}
            self.upload.save(update_fields=["options"])
            return redirect("roster_import:preview", token=self.upload.token)
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["duplicate_rows"] = [row.number for row in self.preview.duplicates]
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        context["preview"] = self.preview
        context["rows"] = [
            (row, form.decision_field(row.number) if row.action == Action.DUPLICATE else None)
            for row in self.preview.rows
        ]
        context["upload_url"] = reverse("roster_import:upload")
        context["unknown_categories"] = (
            [] if self.preview.options.create_categories else self.preview.missing_categories
        )
        return context

    def form_valid(self, form):
        if self.preview.has_errors:
            messages.error(self.request, _("Correct the errors in the file and upload it again."))
            return self.form_invalid(form)
        self.preview.options.drafts = form.cleaned_data["drafts"]
        self.preview.options.send_welcome = form.cleaned_data["send_welcome"]
        if not background.runs_inline(len(self.preview.rows)):
            background.queue(self.upload, options=self.preview.options, decisions=form.decisions())
            return redirect("roster_import:status", token=self.upload.token)
        with transaction.atomic():
            result = roster_import(
                preview=self.preview, user=self.request.user, decisions=form.decisions()
            )
            self.upload.delete()
        context = self.get_context_data(form=form)
        context.update(
            result=result,
            page_title=_("Import a roster: done"),
            member_links=[
                (member, reverse("wagtailsnippets_membership_member:edit", args=[member.pk]))
                for member in [*result.created, *result.updated][:MEMBER_LINKS]
            ],
        )
        return TemplateResponse(self.request, "directory/admin/roster_result.html", context)


class StatusView(ImportPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    """A confirmed upload written in the background: waiting, running, done or failed. The page
    reloads itself every few seconds until the import has finished."""

    page_title = _("Import a roster")
    header_icon = "upload"
    template_name = "directory/admin/roster_status.html"

    def get_context_data(self, **kwargs):
        upload = get_object_or_404(
            RosterUpload.objects.exclude(status=RosterUpload.Status.UPLOADED),
            token=kwargs["token"],
            uploaded_by=self.request.user,
        )
        finished = upload.status in (RosterUpload.Status.DONE, RosterUpload.Status.FAILED)
        summary = upload.summary or {}
        written = [*summary.get("created", []), *summary.get("updated", [])][:MEMBER_LINKS]
        return super().get_context_data(
            upload=upload,
            finished=finished,
            summary=summary,
            member_links=[
                (name, reverse("wagtailsnippets_membership_member:edit", args=[pk]))
                for pk, name in written
            ],
            refresh_seconds=REFRESH_SECONDS,
            **kwargs,
        )


class TemplateDownloadView(ImportPermissionMixin, View):
    file_format = "csv"

    def get(self, request):
        if self.file_format == "xlsx":
            response = HttpResponse(
                template_xlsx(),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        else:
            response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="roster-template.{self.file_format}"'
        )
        return response


class RosterImportMenuItem(MenuItem):
    def is_shown(self, request):
        return may_import(request.user)


class RosterImportViewSet(ViewSet):
    name = "roster_import"
    url_prefix = "roster-import"
    icon = "upload"
    menu_label = _("Import a roster")
    menu_name = "roster-import"
    menu_order = 900  # after the membership group's own items
    menu_hook = "register_membership_menu_item"
    menu_item_class = RosterImportMenuItem

    @property
    def menu_url(self):
        return reverse("roster_import:upload")

    def get_urlpatterns(self):
        return [
            path("", UploadView.as_view(), name="upload"),
            path("template.csv", TemplateDownloadView.as_view(), name="template_csv"),
            path(
                "template.xlsx",
                TemplateDownloadView.as_view(file_format="xlsx"),
                name="template_xlsx",
            ),
            path("<str:token>/", PreviewView.as_view(), name="preview"),
            path("<str:token>/status/", StatusView.as_view(), name="status"),
        ]
