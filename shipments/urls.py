from django.urls import path

from shipments import views

urlpatterns = [
    path("shipments/", views.shipment_list, name="shipment-list"),
    path("shipments/<slug:reference>/", views.shipment_detail, name="shipment-detail"),
    path("countries/", views.country_list, name="country-list"),
    path("countries/<str:code>/", views.country_detail, name="country-detail"),
]
