from django.contrib import admin
from django.urls import include, path

from aidtracker import views

admin.site.site_header = "AidTracker staff"
admin.site.site_title = "AidTracker staff"
admin.site.index_title = "Shipments, parties and sources"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("", include("shipments.public.urls")),
    path("", include("shipments.exports.urls")),
    path("admin/", admin.site.urls),
]
