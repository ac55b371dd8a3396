from django.urls import path

from shipments.exports import views

urlpatterns = [
    path("shipments.csv", views.shipments_csv, name="shipments-csv"),
    path("items.csv", views.items_csv, name="items-csv"),
    path("shipments.json", views.shipments_json, name="shipments-json"),
    path("datapackage.json", views.datapackage_json, name="datapackage-json"),
]
