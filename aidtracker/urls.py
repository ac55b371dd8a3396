from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy

from aidtracker import views

admin.site.site_header = gettext_lazy("AidTracker staff")
admin.site.site_title = gettext_lazy("AidTracker staff")
admin.site.index_title = gettext_lazy("Shipments, parties and sources")

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    # The CSVs, the JSON and the feeds are locale-neutral: no language prefix.
    path("", include("shipments.public.file_urls")),
    path("", include("shipments.exports.urls")),
    path("admin/", admin.site.urls),
    # English at today's addresses (journalists link to them), the other
    # languages under their code: /it/shipments/, /zh-hans/countries/IT/.
    *i18n_patterns(path("", include("shipments.public.urls")), prefix_default_language=False),
]
