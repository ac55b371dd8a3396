from django.urls import path

from shipments.public import feeds, views

urlpatterns = [
    path("", views.home, name="home"),
    path("about/data/", views.about_data, name="about-data"),
    path("openapi.json", views.openapi_json, name="openapi-json"),
    path("api/", views.api_docs, name="api"),
    path("shipments/", views.shipment_list, name="shipment-list"),
    path("shipments.atom", feeds.shipments_atom, name="shipments-atom"),
    path("shipments/<slug:reference>/", views.shipment_detail, name="shipment-detail"),
    path("countries/", views.country_list, name="country-list"),
    path("countries/<str:code>/", views.country_detail, name="country-detail"),
    path("donors/", views.donor_list, name="donor-list"),
    path("donors/<slug:slug>/", views.donor_detail, name="donor-detail"),
    path("recipients/", views.recipient_list, name="recipient-list"),
    path("recipients/<slug:slug>/", views.recipient_detail, name="recipient-detail"),
]
