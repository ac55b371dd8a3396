"""Building blocks shared by the staff tool's pages for parties and shipments."""

from csp.constants import UNSAFE_HASHES
from csp.decorators import csp_update
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponseBadRequest
from django.utils.decorators import method_decorator
from django_countries import countries
from simple_history.admin import SimpleHistoryAdmin

# django-simple-history's history list gives its paginator an inline
# `style="border-top: 0"`. History pages allow that one declaration, by its
# hash, rather than have the browser refuse it (and report a violation) on
# every history page; any other inline style stays refused.
HISTORY_LIST_STYLE = {
    "style-src-attr": [UNSAFE_HASHES, "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='"]
}


class StaffAdmin(SimpleHistoryAdmin):
    """A staff page for a model with a change history that can be read, never reverted from."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def changelist_view(self, request, extra_context=None):
        # PostgreSQL refuses text with NUL characters, which the admin's own
        # filters would pass through to a query: refuse them up front.
        if any("\x00" in value for _, values in request.GET.lists() for value in values):
            return HttpResponseBadRequest(
                "Parameters cannot contain NUL characters.", content_type="text/plain"
            )
        return super().changelist_view(request, extra_context)

    def get_search_results(self, request, queryset, search_term):
        # The autocomplete widgets search here too, with no changelist guard.
        search_term = search_term.replace("\x00", "")
        return super().get_search_results(request, queryset, search_term)

    @method_decorator(csp_update(HISTORY_LIST_STYLE))
    def history_view(self, request, object_id, extra_context=None):
        return super().history_view(request, object_id, extra_context)

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
