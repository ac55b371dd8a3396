from django.urls import path

from shipments import export_views, views

urlpatterns = [
    path("shipments/", views.shipment_list, name="shipment-list"),
    path("shipments/<slug:reference>/", views.shipment_detail, name="shipment-detail"),
    path("countries/", views.country_list, name="country-list"),
    path("countries/<str:code>/", views.country_detail, name="country-detail"),
]

urlpatterns += [
    path("shipments.csv", export_views.shipments_csv, name="shipments-csv"),
    path("items.csv", export_views.items_csv, name="items-csv"),
    path("shipments.json", export_views.shipments_json, name="shipments-json"),
]
