"""The directory's models, one module per subject. Other apps import them from here; inside
the directory, code imports them from their own module (see pages.py for why)."""

from directory.models.contact import ContactMessage
from directory.models.engagement import ListingDailyStats
from directory.models.facets import FacetCount
from directory.models.listings import RESERVED_SLUGS, Business, Category, publicly_listed_q
from directory.models.pages import DirectoryPage
from directory.models.roster import RosterUpload

__all__ = [
    "RESERVED_SLUGS",
    "Business",
    "Category",
    "ContactMessage",
    "DirectoryPage",
    "FacetCount",
    "ListingDailyStats",
    "RosterUpload",
    "publicly_listed_q",
]
