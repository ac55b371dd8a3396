"""The public files for programs, the same in every language: one address each."""

from django.urls import path

from shipments.public import feeds, views

urlpatterns = [
    path("openapi.json", views.openapi_json, name="openapi-json"),
    path("shipments.atom", feeds.shipments_atom, name="shipments-atom"),
]
