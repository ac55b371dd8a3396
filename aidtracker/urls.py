from django.contrib import admin
from django.urls import include, path

from aidtracker import views

admin.site.site_header = "AidTracker staff"
admin.site.site_title = "AidTracker staff"
admin.site.index_title = "Shipments, parties and sources"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("about/data/", views.about_data, name="about-data"),
    path("", include("shipments.urls")),
    path("", include("donors.urls")),
    path("admin/", admin.site.urls),
]
