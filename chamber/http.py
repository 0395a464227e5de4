"""HTTP answers shared by the apps."""

from django.http import HttpResponseRedirect


class SeeOther(HttpResponseRedirect):
    """303: after a POST (or on the way to Stripe), the browser GETs the new address."""

    status_code = 303
