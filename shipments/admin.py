"""The staff tool: shipments on one page, the status workflow, publishing, history, import."""

import copy
import os
from contextlib import suppress

import tablib
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.forms.formsets import all_valid
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.datastructures import MultiValueDict
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST, require_safe
from import_export.admin import ImportMixin
from import_export.formats.base_formats import CSV, XLSX

from aidtracker.admin_base import CountryListFilter, StaffAdmin
from donors.models import Donor
from shipments import duplicates, review
from shipments.forms import (
    CandidatesForm,
    PairForm,
    RejectionForm,
    RejectionsFormSet,
    ShipmentAdminForm,
    ShipmentItemInlineForm,
    SourcesFormSet,
    SupplyLinesFormSet,
)
from shipments.imports import pending
from shipments.imports.files import Limits
from shipments.imports.forms import UploadForm
from shipments.imports.resource import ShipmentItemResource
from shipments.imports.rows import COLUMN_NAMES, INFORMATIONAL_COLUMNS
from shipments.imports.run import ImportRun
from shipments.models import (
    DistinctShipments,
    Emergency,
    PendingChange,
    Rejection,
    Shipment,
    ShipmentItem,
    Source,
    SupplyCategory,
)

PUBLISH_PERMISSION = review.PUBLISH_PERMISSION
TEMPLATE_FORMATS = {"csv": ("text/csv", CSV), "xlsx": (XLSX.CONTENT_TYPE, XLSX)}


@admin.register(SupplyCategory)
class SupplyCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "default_unit", "sort_order"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Emergency)
class EmergencyAdmin(StaffAdmin):
    """The crises shipments are filed under; the default one is new shipments'."""

    list_display = ["name", "glide", "started_on", "is_default", "shipment_count"]
    list_filter = ["is_default"]
    search_fields = ["name", "glide"]
    fields = ["name", "glide", "started_on", "description", "is_default"]

    def get_queryset(self, request):
        # Each row's number of shipments, in the list's one query.
        return super().get_queryset(request).annotate(shipment_count=Count("shipments"))

    @admin.display(description="shipments", ordering="shipment_count")
    def shipment_count(self, obj):
        return obj.shipment_count


class DonorCountryFilter(CountryListFilter):
    title = "donor country"
    parameter_name = "donor_country"

    def country_codes(self, request, model_admin):
        return Donor.objects.values_list("country", flat=True)

    def queryset(self, request, queryset):
        return queryset.with_donor_country([self.value()]) if self.value() else queryset


class RecipientCountryFilter(CountryListFilter):
    title = "recipient country"
    parameter_name = "recipient_country"

    def country_codes(self, request, model_admin):
        return Shipment.objects.values_list("recipient__country", flat=True)

    def queryset(self, request, queryset):
        return queryset.filter(recipient__country=self.value()) if self.value() else queryset


class CategoryFilter(admin.SimpleListFilter):
    title = "category"
    parameter_name = "category"

    def lookups(self, request, model_admin):
        return SupplyCategory.objects.values_list("slug", "name")

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        return queryset.holding_categories(SupplyCategory.objects.filter(slug=self.value()))


class EvidenceFilter(admin.SimpleListFilter):
    title = "evidence"
    parameter_name = "evidence"

    def lookups(self, request, model_admin):
        return [("missing", "published without a source, or supplies and weight")]

    def queryset(self, request, queryset):
        if self.value() == "missing":
            return queryset.filter(
                pk__in=Shipment.objects.published().lacking_evidence().values("pk")
            )
        return queryset


class AwaitingReviewFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("waiting", "changes waiting for an editor")]

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return queryset.filter(
                pk__in=PendingChange.objects.pending().values("shipment_id")
            ).distinct()
        return queryset


class ShipmentItemInline(admin.TabularInline):
    model = ShipmentItem
    form = ShipmentItemInlineForm
    formset = SupplyLinesFormSet
    fields = [
        "category",
        "description",
        "quantity",
        "quantity_kind",
        "quantity_min",
        "quantity_max",
        "quantity_note",
        "unit",
        "value_usd",
        "position",
    ]
    extra = 1


class SourceInline(admin.StackedInline):
    model = Source
    formset = SourcesFormSet
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = ["title", "publisher", "published_on", "url", "supports", "excerpt", "notes"]
    extra = 1


class RejectionInline(admin.TabularInline):
    """Supplies rejected or returned, of this shipment's saved lines, citing its saved sources."""

    model = Rejection
    form = RejectionForm
    formset = RejectionsFormSet
    extra = 0
    verbose_name = "rejected or returned supplies"
    verbose_name_plural = (
        "Rejected or returned supplies (save new supply lines and sources first, then cite them)"
    )


@admin.register(Shipment)
class ShipmentAdmin(ImportMixin, StaffAdmin):
    form = ShipmentAdminForm
    inlines = [ShipmentItemInline, SourceInline, RejectionInline]
    autocomplete_fields = ["donors", "recipient", "pledge"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "reference",
                    "donors",
                    "recipient",
                    "emergency",
                    "status",
                    "is_published",
                    "verification",
                    "loaded_version",
                ]
            },
        ),
        (
            "Countries and dates",
            {
                "fields": [
                    ("origin_country", "destination_country"),
                    ("announced_on", "shipped_on", "arrived_on"),
                ]
            },
        ),
        ("Transport", {"fields": ["transport_mode", "arrival_point", "weight_kg"]}),
        (
            "Terms and value",
            {
                "fields": [
                    "terms",
                    ("declared_value", "currency"),
                    ("value_usd", "usd_rate"),
                    ("rate_date", "rate_source"),
                ]
            },
        ),
        ("Notes", {"fields": ["pledge", "notes"]}),
        ("Record", {"fields": [("created_by", "created_at"), ("updated_by", "updated_at")]}),
    ]
    readonly_fields = ["verification", "created_by", "created_at", "updated_by", "updated_at"]
    list_display = [
        "reference",
        "donor_names",
        "recipient",
        "countries",
        "status",
        "verification",
        "shipped_on",
        "item_count",
        "is_published",
    ]
    list_filter = [
        "status",
        "verification",
        "is_published",
        "emergency",
        "terms",
        DonorCountryFilter,
        RecipientCountryFilter,
        CategoryFilter,
        AwaitingReviewFilter,
        EvidenceFilter,
    ]
    list_select_related = ["recipient"]
    search_fields = ["reference", "recipient__name", "donors__name", "items__description", "notes"]
    date_hierarchy = "shipped_on"
    actions = ["mark_dispatched", "mark_delivered", "mark_cancelled", "publish", "unpublish"]

    # Import settings (django-import-export).
    resource_classes = [ShipmentItemResource]
    formats = [CSV, XLSX]
    import_form_class = UploadForm
    import_template_name = "admin/shipments/shipment/import.html"
    # The list with a link to the possible duplicates; the import adds its own link to it.
    change_list_template = "admin/shipments/shipment/change_list.html"

    class Media:
        css = {"all": ["css/admin.css"]}

    def get_queryset(self, request):
        # The item count and donor names are read for every row of the list:
        # a subquery and a prefetch keep the page at a fixed number of queries.
        # A subquery rather than a join with GROUP BY, so the list's counts and
        # date hierarchy leave it out.
        items = (
            ShipmentItem.objects.filter(shipment=OuterRef("pk"))
            .order_by()
            .values("shipment")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(item_count=Coalesce(Subquery(items), 0))
            .prefetch_related("donors")
        )

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request):
            readonly.append("is_published")
        return readonly

    def has_publish_permission(self, request):
        return request.user.has_perm(PUBLISH_PERMISSION)

    def needs_review(self, request, obj):
        """Whether a change to `obj` by this user waits for an editor.

        It does for a shipment the public can see, changed by staff who may
        not publish: the public sees only what an editor approved. Read from
        the database, so it answers the same before and after the form is saved.
        """
        return (
            obj.pk is not None
            and not self.has_publish_permission(request)
            and Shipment.objects.filter(pk=obj.pk, is_published=True).exists()
        )

    def save_model(self, request, obj, form, change):
        # is_published is read-only without the permission, so the form never
        # carries it; refuse anyway should that ever change.
        if "is_published" in form.changed_data and not self.has_publish_permission(request):
            raise PermissionDenied
        if change and self.needs_review(request, obj):
            return  # held for review with its supply lines and sources, in save_related()
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if change and self.needs_review(request, form.instance):
            review.hold_edit(request, form, formsets)
            return
        super().save_related(request, form, formsets, change)

    def construct_change_message(self, request, form, formsets, add=False):
        # A held change saved no inline rows, which Django's own message lists.
        if not add and self.needs_review(request, form.instance):
            return []
        return super().construct_change_message(request, form, formsets, add)

    def log_change(self, request, obj, message):
        if self.needs_review(request, obj):
            message = "Submitted a change for an editor's review."
        return super().log_change(request, obj, message)

    def response_change(self, request, obj):
        if not self.needs_review(request, obj):
            return super().response_change(request, obj)
        self.message_user(
            request,
            f"Your change to “{obj}” waits for an editor's approval. Until then the "
            "public sees the shipment as it was published.",
            messages.WARNING,
        )
        return HttpResponseRedirect(reverse("admin:shipments_shipment_change", args=[obj.pk]))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            self.say_what_waits(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def say_what_waits(self, request, object_id):
        shipment = Shipment.objects.filter(pk=object_id).first() if object_id.isdigit() else None
        if shipment is None:
            return
        if shipment.merged_into_id is not None:
            self.message_user(
                request,
                format_html(
                    "This shipment was merged into <a href='{}'>{}</a>, a report of the same "
                    "delivery: it stays unpublished, and its address leads there.",
                    reverse("admin:shipments_shipment_change", args=[shipment.merged_into_id]),
                    shipment.merged_into,
                ),
                messages.WARNING,
            )
        if self.needs_review(request, shipment):
            self.message_user(
                request,
                "This shipment is published: what you save here waits for an editor's "
                "approval, and the public sees it as it is until then.",
                messages.INFO,
            )
        waiting = PendingChange.objects.pending().filter(shipment=shipment)
        for change in waiting.select_related("submitted_by"):
            self.message_user(
                request,
                format_html(
                    "A change by {} on {} waits for an editor: {} (<a href='{}'>changes "
                    "waiting</a>)",
                    change.submitted_by,
                    f"{change.submitted_at:%Y-%m-%d %H:%M}",
                    change.summary,
                    reverse("admin:shipments_pendingchange_changelist") + "?state__exact=pending",
                ),
                messages.WARNING,
            )

    def apply_held(self, request, pending):
        """Apply a held edit or import as this (editor's) request would; returns its errors."""
        if pending.kind == PendingChange.Kind.IMPORT:
            return self.approve_import(request, pending)
        return self.approve_edit(request, pending)

    def approve_import(self, request, pending):
        """Import the held rows again, as the editor: every row is judged anew."""
        dataset = tablib.Dataset(headers=pending.data["headers"])
        for cells in pending.data["rows"]:
            dataset.append([cells.get(name, "") for name in dataset.headers])
        run = ImportRun(user=request.user)
        try:
            run.open(dataset)
            for number, cells in enumerate(dataset.dict, start=1):
                run.read(number, cells)
            run.save()
        except ValidationError as error:
            return error.messages
        except ValueError as error:
            return [str(error)]
        return []

    def approve_edit(self, request, pending):
        """Apply a held edit; the form's errors if it fails.

        The form and its inlines are built as its author saw them, with the
        author's permissions (no publishing, no deleting), so that approving
        applies exactly what was submitted and could be reviewed; the editor
        then saves it.
        """
        as_author = copy.copy(request)
        as_author.user = pending.submitted_by
        as_author.method, as_author.POST = "POST", review.submitted_form(pending)
        as_author._files = MultiValueDict()
        shipment = pending.shipment
        form_class = self.get_form(as_author, shipment, change=True)
        form = form_class(as_author.POST, instance=shipment)
        # The admin's own way of building the inlines from a POST (private, but
        # what its change view uses), so that approving checks what saving checks.
        formsets, _ = self._create_formsets(as_author, shipment, change=True)
        if not (form.is_valid() and all_valid(formsets)):
            return review.form_errors(form, formsets)
        shipment = self.save_form(request, form, change=True)
        self.save_model(request, shipment, form, change=True)
        self.save_related(request, form, formsets, change=True)
        self.log_change(request, shipment, f"Approved a change by {pending.submitted_by}.")
        return []

    @admin.display(description="donors")
    def donor_names(self, obj):
        return "; ".join(donor.name for donor in obj.donors.all())

    @admin.display(description="countries", ordering="origin_country")
    def countries(self, obj):
        return f"{obj.origin_country.code} → {obj.destination_country.code}"

    @admin.display(description="items", ordering="item_count")
    def item_count(self, obj):
        return obj.item_count

    # Status workflow and publishing ------------------------------------

    def _mark(self, request, queryset, status):
        held = []
        if not self.has_publish_permission(request):
            # Published shipments change only with an editor's approval.
            published = Shipment.objects.filter(pk__in=queryset.values("pk"), is_published=True)
            held = review.hold_status(published.exclude(status=status), status, request.user)
            queryset = queryset.exclude(pk__in=published.values("pk"))
        changed = queryset.mark(status, user=request.user)
        label = Shipment.Status(status).label.lower()
        message = ngettext(
            "%(count)d shipment marked %(status)s.",
            "%(count)d shipments marked %(status)s.",
            changed,
        ) % {"count": changed, "status": label}
        unchanged = queryset.count() - changed
        if unchanged:
            already = ngettext("%(count)d already was.", "%(count)d already were.", unchanged)
            message += " " + already % {"count": unchanged}
        self.message_user(request, message, messages.SUCCESS)
        if held:
            self.message_user(
                request,
                ngettext(
                    "%(count)d published shipment waits for an editor's approval: %(names)s.",
                    "%(count)d published shipments wait for an editor's approval: %(names)s.",
                    len(held),
                )
                % {"count": len(held), "names": ", ".join(str(p.shipment) for p in held)},
                messages.WARNING,
            )

    @admin.action(
        description=gettext_lazy("Mark selected shipments as dispatched"), permissions=["change"]
    )
    def mark_dispatched(self, request, queryset):
        self._mark(request, queryset, Shipment.Status.DISPATCHED)

    @admin.action(
        description=gettext_lazy("Mark selected shipments as delivered"), permissions=["change"]
    )
    def mark_delivered(self, request, queryset):
        self._mark(request, queryset, Shipment.Status.DELIVERED)

    @admin.action(
        description=gettext_lazy("Mark selected shipments as cancelled"), permissions=["change"]
    )
    def mark_cancelled(self, request, queryset):
        self._mark(request, queryset, Shipment.Status.CANCELLED)

    def _publish(self, request, queryset, published):
        try:
            self._set_published(request, queryset, published)
        except ValidationError as refused:
            # Evidence removed between the check below and the write.
            self.message_user(request, " ".join(refused.messages), messages.ERROR)

    def _set_published(self, request, queryset, published):
        if published:
            lacking = Shipment.objects.filter(pk__in=queryset.values("pk")).lacking_evidence()
            refused = [shipment.missing_evidence() for shipment in lacking.order_by("reference")]
            if refused:
                self.message_user(
                    request,
                    "Not published, for a published shipment needs at least one source, and "
                    "supply lines or a weight: " + "; ".join(refused) + ".",
                    messages.ERROR,
                )
                queryset = queryset.exclude(pk__in=[shipment.pk for shipment in lacking])
        changed = queryset.set_published(published, user=request.user)
        if published:
            message = ngettext(
                "%(count)d shipment published.", "%(count)d shipments published.", changed
            )
        else:
            message = ngettext(
                "%(count)d shipment unpublished.", "%(count)d shipments unpublished.", changed
            )
        message %= {"count": changed}
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description=gettext_lazy("Publish selected shipments"), permissions=["publish"])
    def publish(self, request, queryset):
        self._publish(request, queryset, True)

    @admin.action(description=gettext_lazy("Unpublish selected shipments"), permissions=["publish"])
    def unpublish(self, request, queryset):
        self._publish(request, queryset, False)

    # Possible duplicates ------------------------------------------------

    def _duplicates_context(self, request, title):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "has_publish_permission": self.has_publish_permission(request),
        }

    def _refuse_unless_staff_may_change(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied

    @method_decorator(require_safe)
    def duplicates_view(self, request):
        """Pairs of shipments that may be one delivery, a page at a time (shipments.duplicates)."""
        self._refuse_unless_staff_may_change(request)
        form = CandidatesForm(request.GET)
        if not form.is_valid():
            return HttpResponseBadRequest(
                "; ".join(error for errors in form.errors.values() for error in errors),
                content_type="text/plain",
            )
        country = form.cleaned_data["country"]
        page = duplicates.candidates(
            form.cleaned_data["anchor"], form.cleaned_data["partner"], country
        )
        next_url = None
        if page.next_anchor is not None:
            query = {"anchor": page.next_anchor, "country": country}
            if page.next_partner is not None:
                query["partner"] = page.next_partner
            next_url = f"{request.path}?{urlencode(query)}"
        context = {
            **self._duplicates_context(request, "Possible duplicates"),
            "form": form,
            "page": page,
            "next_url": next_url,
            "first_page_url": request.path + (f"?country={country}" if country else ""),
            "rules": duplicates.RULES,
            "scan_size": f"{duplicates.SCAN_SIZE:,}",
        }
        return TemplateResponse(request, "admin/shipments/shipment/duplicates.html", context)

    def _pair(self, data):
        """The two shipments a merge or distinct form names, or a 400/404 response."""
        form = PairForm(data)
        if not form.is_valid():
            return None, HttpResponseBadRequest(
                "Name two shipments by their keys (first, second).", content_type="text/plain"
            )
        keys = [form.cleaned_data["first"], form.cleaned_data["second"]]
        found = Shipment.objects.select_related("merged_into", "recipient").in_bulk(keys)
        if len(found) != len(set(keys)):
            raise Http404("No such shipment.")
        return (found[keys[0]], found[keys[1]], form), None

    def merge_view(self, request):
        """Merge two shipments into one: on GET, what would happen; on POST, do it."""
        self._refuse_unless_staff_may_change(request)
        if request.method not in ("GET", "HEAD", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        pair, refused = self._pair(request.POST if request.method == "POST" else request.GET)
        if refused:
            return refused
        first, second, form = pair
        if request.method == "POST":
            keep = form.cleaned_data["keep"]
            if keep not in (first.pk, second.pk):
                return HttpResponseBadRequest(
                    "Keep one of the two shipments.", content_type="text/plain"
                )
            kept, merged = (first, second) if keep == first.pk else (second, first)
            try:
                duplicates.merge(
                    kept,
                    merged,
                    request.user,
                    publisher=self.has_publish_permission(request),
                    across_countries=form.cleaned_data["across_countries"],
                )
            except ValidationError as refusal:
                for message in refusal.messages:
                    self.message_user(request, message, messages.ERROR)
            else:
                self.message_user(
                    request,
                    format_html(
                        "Merged {} into <a href='{}'>{}</a>: its sources are the kept "
                        "shipment's now, and its address leads there.",
                        merged.reference,
                        reverse("admin:shipments_shipment_change", args=[kept.pk]),
                        kept.reference,
                    ),
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:shipments_shipment_duplicates"))
        sides = []
        for one, other in ((first, second), (second, first)):
            sides.append(
                {
                    "shipment": one,
                    "donors": list(one.donors.all()),
                    "items": list(one.items.select_related("category")),
                    "sources": list(one.sources.all()),
                    "lines_move": duplicates.lines_to_move(one, other),
                    "sources_taken": other.sources.count(),
                    "problems": duplicates.merge_problems(
                        one,
                        other,
                        request.user,
                        self.has_publish_permission(request),
                        across_countries=True,
                    ),
                }
            )
        context = {
            **self._duplicates_context(request, f"Merge {first} and {second}?"),
            "first": first,
            "second": second,
            "sides": sides,
            "across_countries": first.destination_country != second.destination_country,
            "default_keep": duplicates.default_keep(first, second).pk,
        }
        return TemplateResponse(request, "admin/shipments/shipment/merge.html", context)

    @method_decorator(require_POST)
    def distinct_view(self, request):
        """Mark two shipments as distinct deliveries: no longer offered as duplicates."""
        self._refuse_unless_staff_may_change(request)
        pair, refused = self._pair(request.POST)
        if refused:
            return refused
        first, second, _ = pair
        try:
            duplicates.mark_distinct(first, second, request.user)
        except ValidationError as refusal:
            return HttpResponseBadRequest(" ".join(refusal.messages), content_type="text/plain")
        self.message_user(
            request,
            f"{first} and {second} are marked as distinct deliveries: they will not be "
            "offered as duplicates again.",
            messages.SUCCESS,
        )
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = reverse("admin:shipments_shipment_duplicates")
        return HttpResponseRedirect(back or reverse("admin:shipments_shipment_duplicates"))

    # Spreadsheet import ------------------------------------------------

    def get_urls(self):
        template = path(
            "import/template.<str:extension>",
            self.admin_site.admin_view(self.import_template_view),
            name="shipments_shipment_import_template",
        )
        duplicates = [
            path(
                f"duplicates/{route}",
                self.admin_site.admin_view(getattr(self, f"{name}_view")),
                name=f"shipments_shipment_{name}",
            )
            for route, name in [("", "duplicates"), ("merge/", "merge"), ("distinct/", "distinct")]
        ]
        return [template, *duplicates, *super().get_urls()]

    def import_template_view(self, request, extension):
        """The import file's header row and nothing else, as CSV or XLSX."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        if extension not in TEMPLATE_FORMATS:
            raise Http404("The template comes as .csv or .xlsx.")
        content_type, file_format = TEMPLATE_FORMATS[extension]
        content = file_format().export_data(tablib.Dataset(headers=COLUMN_NAMES))
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = (
            f'attachment; filename="aidtracker-import-template.{extension}"'
        )
        return response

    def get_import_context_data(self, **kwargs):
        context = super().get_import_context_data(**kwargs)
        context["informational_columns"] = sorted(INFORMATIONAL_COLUMNS)
        context["import_limits"] = Limits.from_settings()
        context["template_urls"] = {
            extension: reverse("admin:shipments_shipment_import_template", args=[extension])
            for extension in TEMPLATE_FORMATS
        }
        return context

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None) or {}
        confirm_form = context.get("confirm_form")
        if confirm_form is not None:
            # The preview offers a confirmation: of this file, in this format,
            # once. The file by its name as the confirmation reads it back.
            pending.remember(
                request.session,
                os.path.basename(confirm_form.initial["import_file_name"]),
                confirm_form.initial["format"],
            )
        else:
            # django-import-export stores every file it previews; one that
            # cannot be confirmed would stay in the temporary folder for
            # good (or a day in Redis).
            upload = getattr(context.get("form"), "cleaned_data", {}).get("import_file")
            stored = getattr(upload, "tmp_storage_name", None)
            if stored is not None:
                with suppress(FileNotFoundError):
                    self.get_tmp_storage_class()(name=stored).remove()
        return response

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        """Import a file this session previewed, once (see `shipments.imports.pending`).

        The confirmation carries the stored file's name, its format and the
        resource back from the browser. Another format or resource than the
        preview's is a 400; a file this session has no preview of to confirm
        (already imported, gone from the temporary storage, or never its own)
        sends staff back to upload it again; never a server error.
        """
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = self.create_confirm_form(request)
        resources = ["", *map(str, range(len(self.get_import_resource_classes(request))))]
        if not form.is_valid() or form.cleaned_data["resource"] not in resources:
            return HttpResponseBadRequest("Not a confirmation of an import.", "text/plain")
        file_format = pending.take(request.session, form.cleaned_data["import_file_name"])
        if file_format is None:
            return self.upload_again(request)
        if form.cleaned_data["format"] != file_format:
            return HttpResponseBadRequest("Unknown import format.", "text/plain")
        input_format = self.get_import_formats()[int(file_format)](encoding=self.from_encoding)
        tmp_storage = self.get_tmp_storage_class()(
            name=form.cleaned_data["import_file_name"],
            encoding=None if input_format.is_binary() else self.from_encoding,
            read_mode=input_format.get_read_mode(),
            **self.get_tmp_storage_class_kwargs(),
        )
        try:
            # The cache (with Redis) answers None for a file it no longer holds.
            data = tmp_storage.read()
        except FileNotFoundError:
            data = None
        if data is None:
            return self.upload_again(request)
        dataset = input_format.create_dataset(data)
        result = self.process_dataset(dataset, form, request, **kwargs)
        tmp_storage.remove()
        return self.process_result(result, request)

    def upload_again(self, request):
        self.message_user(
            request,
            "The uploaded file is no longer here (already imported, or too old): upload it again.",
            messages.ERROR,
        )
        return HttpResponseRedirect(reverse("admin:shipments_shipment_import"))

    def process_result(self, result, request):
        # The confirmed import runs again from the file; should a row have
        # become invalid since the preview, nothing was saved: say so.
        if result.has_errors() or result.has_validation_errors():
            self.message_user(
                request,
                "Nothing was imported: the file no longer passes the checks. "
                "Upload it again to see which rows fail.",
                messages.ERROR,
            )
            return HttpResponseRedirect(reverse("admin:shipments_shipment_import"))
        return super().process_result(result, request)

    def add_success_message(self, result, request):
        totals, created = result.totals, getattr(result, "created", {})

        def count(number, noun):
            return f"{number} {noun}" if number == 1 else f"{number} {noun}s"

        message = (
            f"Import finished: {count(totals['new'], 'supply line')} added, "
            f"{totals['update']} updated, {totals['skip']} unchanged; "
            f"{count(created.get('shipments', 0), 'new shipment')}, "
            f"{count(created.get('donors', 0), 'new donor')}, "
            f"{count(created.get('recipients', 0), 'new recipient')}. "
            "New shipments are not published."
        )
        self.message_user(request, message, messages.SUCCESS)
        held = getattr(result, "held_for_review", [])
        if held:
            self.message_user(
                request,
                ngettext(
                    "The changes to published shipment %(names)s wait for an editor's "
                    "approval; the public sees it as it was until then.",
                    "The changes to published shipments %(names)s wait for an editor's "
                    "approval; the public sees them as they were until then.",
                    len(held),
                )
                % {"names": ", ".join(held)},
                messages.WARNING,
            )


class ShipmentPartAdmin(StaffAdmin):
    """Supply lines and sources on pages of their own.

    Those of a published shipment change only with the shipment, on its page,
    for staff who may not publish: there their change waits for an editor.
    """

    def has_change_permission(self, request, obj=None):
        if obj is not None and self.held_for_review(request, obj.shipment):
            return False
        return super().has_change_permission(request, obj)

    def held_for_review(self, request, shipment):
        return shipment.is_published and not request.user.has_perm(PUBLISH_PERMISSION)

    def has_delete_permission(self, request, obj=None):
        # A published shipment keeps its last source, and its last supply line
        # unless it gives a weight: unpublish it first.
        if obj is not None and self.strips_evidence(obj.shipment, [obj.pk]):
            return False
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        # Deleting several at once (the list's delete action) is judged as a whole.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        removed = {}
        for obj in objs:
            removed.setdefault(obj.shipment, []).append(obj.pk)
        stripped = [
            f"the last {self.model._meta.verbose_name} of published shipment {shipment}"
            for shipment, pks in removed.items()
            if self.strips_evidence(shipment, pks)
        ]
        return deleted, counts, perms_needed, [*protected, *stripped]

    def strips_evidence(self, shipment, pks):
        """Whether published `shipment` would lack its evidence without the rows `pks`."""
        return shipment.is_published and not self.keeps_evidence_without(shipment, pks)

    def keeps_evidence_without(self, shipment, pks):
        raise NotImplementedError

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        admin_page = self

        class PartForm(form_class):
            def clean_shipment(self):
                shipment = self.cleaned_data["shipment"]
                if admin_page.held_for_review(request, shipment):
                    raise ValidationError(
                        "This shipment is published: make the change on the shipment's "
                        "own page, where it waits for an editor's approval."
                    )
                moved_from = self.instance.shipment if self.instance.pk else None
                if (
                    moved_from is not None
                    and moved_from != shipment
                    and admin_page.strips_evidence(moved_from, [self.instance.pk])
                ):
                    raise ValidationError(
                        f"This is the last {admin_page.model._meta.verbose_name} of published "
                        f"shipment {moved_from}: it cannot be moved while that is published."
                    )
                if (
                    moved_from is not None
                    and moved_from != shipment
                    and self.instance.rejections.exists()
                ):
                    raise ValidationError(
                        f"A rejection of shipment {moved_from}'s supplies rests on this "
                        f"{admin_page.model._meta.verbose_name}: it stays with that shipment."
                    )
                return shipment

        return PartForm


@admin.register(ShipmentItem)
class ShipmentItemAdmin(ShipmentPartAdmin):
    form = ShipmentItemInlineForm
    list_display = ["shipment", "category", "description", "quantity", "unit"]
    list_filter = ["category", "unit"]
    list_select_related = ["shipment", "category"]
    search_fields = ["description", "shipment__reference"]
    autocomplete_fields = ["shipment"]

    def keeps_evidence_without(self, shipment, pks):
        return shipment.weight_kg is not None or shipment.items.exclude(pk__in=pks).exists()


@admin.register(Source)
class SourceAdmin(ShipmentPartAdmin):
    list_display = ["title", "publisher", "published_on", "supports", "shipment"]
    list_filter = ["supports"]
    list_select_related = ["shipment"]
    search_fields = ["title", "publisher", "shipment__reference"]
    autocomplete_fields = ["shipment"]

    def keeps_evidence_without(self, shipment, pks):
        return shipment.sources.exclude(pk__in=pks).exists()


@admin.register(DistinctShipments)
class DistinctShipmentsAdmin(StaffAdmin):
    """Pairs marked as distinct deliveries. Deleting one offers the pair as a possible
    duplicate again; pairs are marked on the possible duplicates page only."""

    list_display = ["first", "second", "marked_by", "marked_at"]
    list_select_related = ["first", "second", "marked_by"]
    search_fields = ["first__reference", "second__reference"]
    readonly_fields = ["first", "second", "marked_by", "marked_at"]
    fields = readonly_fields

    # As the possible duplicates page: staff who may see shipments see the pairs, those who
    # may change shipments may undo one.
    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("shipments.view_shipment")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm("shipments.change_shipment")

    def has_module_permission(self, request):
        return self.has_view_permission(request)


@admin.register(PendingChange)
class PendingChangeAdmin(admin.ModelAdmin):
    """What data-entry staff changed in published shipments, for an editor to approve or reject."""

    list_display = ["shipment", "change", "submitted", "state"]
    list_filter = ["state", "kind"]
    list_select_related = ["shipment", "submitted_by"]
    search_fields = ["shipment__reference", "summary"]
    readonly_fields = [
        "shipment",
        "kind",
        "summary",
        "submitted_by",
        "submitted_at",
        "based_on_version",
        "state",
        "decided_by",
        "decided_at",
        "outcome",
    ]
    fields = readonly_fields
    actions = ["approve", "reject"]

    @admin.display(description="change")
    def change(self, obj):
        """The kind of change, then each thing it changes on a line of its own."""
        return format_html(
            "<strong>{}</strong><ul class='pending-summary'>{}</ul>",
            obj.get_kind_display(),
            format_html_join("", "<li>{}</li>", ([part] for part in obj.summary.split("; "))),
        )

    @admin.display(description="submitted", ordering="submitted_at")
    def submitted(self, obj):
        return f"{obj.submitted_by}, {obj.submitted_at:%Y-%m-%d %H:%M}"

    def changelist_view(self, request, extra_context=None):
        # What waits is what staff come here for.
        if request.method == "GET" and not request.GET:
            return HttpResponseRedirect(f"{request.path}?state__exact=pending")
        extra_context = {"title": "Changes to published shipments", **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_publish_permission(self, request):
        return request.user.has_perm(PUBLISH_PERMISSION)

    def _decide(self, request, queryset, approve):
        shipment_admin = self.admin_site.get_model_admin(Shipment)
        outcomes = {}
        for change in queryset.select_related("shipment", "submitted_by"):
            state = review.decide(
                change,
                approve,
                request.user,
                apply_held=lambda held: shipment_admin.apply_held(request, held),
            )
            outcomes.setdefault(PendingChange.State(state).label, []).append(str(change.shipment))
        for label, names in outcomes.items():
            level = (
                messages.WARNING
                if label == PendingChange.State.OUTDATED.label
                else messages.SUCCESS
            )
            self.message_user(request, f"{label.capitalize()}: {', '.join(names)}.", level)

    @admin.action(
        description=gettext_lazy("Approve and apply the selected changes"), permissions=["publish"]
    )
    def approve(self, request, queryset):
        self._decide(request, queryset, approve=True)

    @admin.action(description=gettext_lazy("Reject the selected changes"), permissions=["publish"])
    def reject(self, request, queryset):
        self._decide(request, queryset, approve=False)
