from django.urls import path

from shipments import export_views, views

urlpatterns = [
    path("shipments/<str:reference>/", views.shipment_detail, name="shipment-detail"),
]

urlpatterns += [
    path("shipments.csv", export_views.shipments_csv, name="shipments-csv"),
    path("items.csv", export_views.items_csv, name="items-csv"),
    path("shipments.json", export_views.shipments_json, name="shipments-json"),
]
