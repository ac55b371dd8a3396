"""The reader pages, one set per language: aidtracker/urls.py puts them under each
language's prefix (none for English). The feed and the API's description have one
address each (file_urls.py)."""

from django.urls import path

from shipments.public import views

urlpatterns = [
    path("", views.home, name="home"),
    path("about/data/", views.about_data, name="about-data"),
    path("api/", views.api_docs, name="api"),
    path("shipments/", views.shipment_list, name="shipment-list"),
    path("shipments/<slug:reference>/", views.shipment_detail, name="shipment-detail"),
    path("countries/", views.country_list, name="country-list"),
    path("countries/<str:code>/", views.country_detail, name="country-detail"),
    path("donors/", views.donor_list, name="donor-list"),
    path("donors/<slug:slug>/", views.donor_detail, name="donor-detail"),
    path("recipients/", views.recipient_list, name="recipient-list"),
    path("recipients/<slug:slug>/", views.recipient_detail, name="recipient-detail"),
]
