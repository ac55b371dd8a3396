"""The staff tool for the parties: searchable lists, each with its shipments."""

from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from aidtracker.admin_base import CountryListFilter, StaffAdmin
from donors.models import Donor, Recipient


class PartyAdmin(StaffAdmin):
    list_display = ["name", "kind", "country", "shipment_count"]
    list_filter = ["kind", CountryListFilter]
    search_fields = ["name", "slug", "notes"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["shipment_list"]
    # Explicit: the shipment count's GROUP BY drops the model's own ordering.
    ordering = ["name", "pk"]

    def get_queryset(self, request):
        # Counted in the list query itself rather than once per row.
        return super().get_queryset(request).annotate(shipment_count=Count("shipments"))

    @admin.display(description="shipments", ordering="shipment_count")
    def shipment_count(self, party):
        return party.shipment_count

    @admin.display(description="shipments")
    def shipment_list(self, party):
        if party.pk is None:
            return "None yet."
        shipments = party.shipments.order_by("-shipped_on", "reference").only(
            "reference", "status", "shipped_on", "is_published"
        )
        rows = [
            (
                reverse("admin:shipments_shipment_change", args=[shipment.pk]),
                shipment.reference,
                shipment.get_status_display().lower(),
                shipment.shipped_on.isoformat() if shipment.shipped_on else "date unknown",
                "published" if shipment.is_published else "not published",
            )
            for shipment in shipments
        ]
        if not rows:
            return "None yet."
        items = format_html_join("", '<li><a href="{}">{}</a>: {}, shipped {}, {}</li>', rows)
        return format_html("<ul>{}</ul>", items)


@admin.register(Donor)
class DonorAdmin(PartyAdmin):
    fields = ["name", "slug", "kind", "country", "website", "notes", "shipment_list"]


@admin.register(Recipient)
class RecipientAdmin(PartyAdmin):
    list_display = [*PartyAdmin.list_display, "city"]
    search_fields = [*PartyAdmin.search_fields, "city"]
    fields = ["name", "slug", "kind", "country", "city", "website", "notes", "shipment_list"]
