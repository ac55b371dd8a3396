from django.urls import path

from donors import views

urlpatterns = [
    path("donors/<slug:slug>/", views.donor_detail, name="donor-detail"),
    path("recipients/<slug:slug>/", views.recipient_detail, name="recipient-detail"),
]
