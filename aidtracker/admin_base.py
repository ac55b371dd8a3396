"""Building blocks shared by the staff tool's pages for parties and shipments."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django_countries import countries
from simple_history.admin import SimpleHistoryAdmin


class HistoryAdmin(SimpleHistoryAdmin):
    """An admin page with a change history that can be read, never reverted from."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Saving an old version would bypass the change form's rules (such as
        # who may publish); SIMPLE_HISTORY_REVERT_DISABLED only hides the button.
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class CountryListFilter(admin.SimpleListFilter):
    """Filter on a country, offering only the countries in use, by name."""

    title = "country"
    parameter_name = "country"

    def country_codes(self, request, model_admin):
        """The country codes to offer, as a queryset of values."""
        return model_admin.model.objects.values_list("country", flat=True)

    def lookups(self, request, model_admin):
        codes = set(self.country_codes(request, model_admin).order_by().distinct())
        named = [(code, countries.name(code) or code) for code in codes if code]
        return sorted(named, key=lambda choice: choice[1])

    def queryset(self, request, queryset):
        return queryset.filter(country=self.value()) if self.value() else queryset
