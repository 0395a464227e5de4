"""/account/deals/: the member's own deals (included in chamber/urls.py before /account/)."""

from django.urls import path

from deals import account

app_name = "account_deals"

urlpatterns = [
    path("", account.deal_list, name="deals"),
    path("new/", account.deal_new, name="deal_new"),
    path("<slug:slug>/", account.deal_edit, name="deal_edit"),
    path("<slug:slug>/withdraw/", account.deal_withdraw, name="deal_withdraw"),
]
