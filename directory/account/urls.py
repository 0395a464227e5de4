"""/account/listings/: the member's own listings (mounted in chamber/urls.py)."""

from django.urls import path

from directory.account import views

app_name = "account_listings"

urlpatterns = [
    path("", views.listing_list, name="listings"),
    path("<slug:slug>/", views.listing_edit, name="listing_edit"),
    path("<slug:slug>/withdraw/", views.listing_withdraw, name="listing_withdraw"),
    path("<slug:slug>/confirm/", views.listing_confirm, name="listing_confirm"),
]
