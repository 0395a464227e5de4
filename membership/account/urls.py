from django.urls import path

from membership.account import contacts, receipts, views

app_name = "account"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("switch/", views.switch_member, name="switch_member"),
    # Dues: pay or renew at Stripe Checkout, auto-renewal, Stripe's Customer Portal.
    path("pay/", views.pay, name="pay"),
    path("paid/", views.paid, name="paid"),
    path("auto-renew/", views.auto_renew, name="auto_renew"),
    path("billing/", views.billing_portal, name="billing_portal"),
    path("level/", views.level_change, name="level_change"),
    # Receipts.
    path("receipts/", receipts.receipt_list, name="receipts"),
    path("receipts/<int:pk>/", receipts.receipt_detail, name="receipt"),
    # Contacts and invitations.
    path("contacts/", contacts.contact_list, name="contacts"),
    path("contacts/invite/", contacts.contact_invite, name="contact_invite"),
    path("contacts/<int:pk>/role/", contacts.contact_role, name="contact_role"),
    path("contacts/<int:pk>/remove/", contacts.contact_remove, name="contact_remove"),
    path("invitations/<int:pk>/revoke/", contacts.invitation_revoke, name="invitation_revoke"),
    # The e-mailed link: works before log-in (it may create the account).
    path("invitations/accept/<str:token>/", contacts.invitation_accept, name="invitation_accept"),
]
