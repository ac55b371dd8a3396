from django.contrib import admin

from shipments.models import Shipment, ShipmentItem, Source, SupplyCategory


@admin.register(SupplyCategory)
class SupplyCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "default_unit", "sort_order"]
    prepopulated_fields = {"slug": ["name"]}


class ShipmentItemInline(admin.TabularInline):
    model = ShipmentItem
    extra = 1


class SourceInline(admin.StackedInline):
    model = Source
    extra = 1


@admin.register(Shipment)
class ShipmentAdmin(admin.ModelAdmin):
    list_display = ["reference", "recipient", "origin_country", "destination_country", "status"]
    list_filter = ["status", "is_published", "terms"]
    list_select_related = ["recipient"]
    search_fields = ["reference", "recipient__name", "donors__name"]
    autocomplete_fields = ["donors", "recipient", "pledge"]
    inlines = [ShipmentItemInline, SourceInline]
    date_hierarchy = "shipped_on"


@admin.register(ShipmentItem)
class ShipmentItemAdmin(admin.ModelAdmin):
    list_display = ["shipment", "category", "description", "quantity", "unit"]
    list_filter = ["category", "unit"]
    list_select_related = ["shipment", "category"]
    search_fields = ["description", "shipment__reference"]
    autocomplete_fields = ["shipment"]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "publisher", "published_on", "shipment"]
    list_select_related = ["shipment"]
    search_fields = ["title", "publisher", "shipment__reference"]
    autocomplete_fields = ["shipment"]
