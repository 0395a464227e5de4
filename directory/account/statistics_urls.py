"""/account/listing-statistics/: the member's listings' views and clicks (mounted in
chamber/urls.py beside the listings, whose `<slug>/` routes would otherwise take the name)."""

from django.urls import path

from directory.account import views

app_name = "account_listing_statistics"

urlpatterns = [path("", views.listing_statistics, name="statistics")]
