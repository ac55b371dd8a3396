from django.urls import path

from shipments import views

urlpatterns = [
    path("shipments/<str:reference>/", views.shipment_detail, name="shipment-detail"),
]
