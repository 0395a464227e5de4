import datetime
import html

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import slugify
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.rich_text import RichText

from deals.models import Deal
from directory.models import Business, Category
from home.models import NewsKind, NewsPage, NewsPageAuthor, Person, Topic
from jobs.models import JobPosting
from membership.models import Application, Member, MemberContact, MembershipLevel

DAY = datetime.timedelta(days=1)

# A small but well-formed PDF: the document block shows its type and size.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


class MembershipLevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MembershipLevel
        django_get_or_create = ("slug",)

    name = "Community"
    slug = factory.LazyAttribute(lambda level: level.name.lower().replace(" ", "-"))
    annual_dues = 195


class EnhancedLevelFactory(MembershipLevelFactory):
    name = "Leadership"
    annual_dues = 995
    listing_logo = True
    listing_description = True
    listing_social_links = True
    listing_opening_hours = True
    featured_placement = True
    deals_allowed = 5
    jobs_allowed = 3


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    name = factory.Sequence(lambda n: f"Member Organisation {n}")
    level = factory.SubFactory(MembershipLevelFactory)
    status = Member.Status.ACTIVE
    paid_through = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=200))
    joined_on = datetime.date(2019, 4, 1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("a long passphrase")


class MemberContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MemberContact

    member = factory.SubFactory(MemberFactory)
    user = factory.SubFactory(UserFactory)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.LazyAttribute(lambda category: category.name.lower().replace(" ", "-"))


def two_level_categories() -> dict[str, Category]:
    """Food & Drink (Bakeries, Cafes) and Home Trades (Plumbing), by short name."""
    food = CategoryFactory(name="Food & Drink", slug="food-drink")
    trades = CategoryFactory(name="Home Trades", slug="home-trades")
    return {
        "food": food,
        "bakeries": CategoryFactory(name="Bakeries", slug="bakeries", parent=food),
        "cafes": CategoryFactory(name="Cafes", slug="cafes", parent=food),
        "trades": trades,
        "plumbing": CategoryFactory(name="Plumbing", slug="plumbing", parent=trades),
    }


class BusinessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Business
        skip_postgeneration_save = True

    member = factory.SubFactory(MemberFactory)
    name = factory.Sequence(lambda n: f"Business {n}")
    summary = "A local business."
    street = "1 Main Street"
    city = "Riverside"
    region = "OR"
    postcode = "97999"
    country = "United States"
    phone = "(555) 010-1000"
    email = factory.Sequence(lambda n: f"info{n}@example.org")
    website = "https://example.org/"
    live = True

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        if create and extracted:
            self.categories.set(extracted)
            self.save()


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    organisation_name = factory.Sequence(lambda n: f"Applicant Organisation {n}")
    first_name = "Rosa"
    last_name = "Baker"
    email = factory.Sequence(lambda n: f"applicant{n}@example.org")
    phone = "(555) 010-2000"
    street = "4 Mill Lane"
    city = "Riverside"
    region = "OR"
    postcode = "97999"
    country = "United States"
    level = factory.SubFactory(MembershipLevelFactory)
    status = Application.Status.SUBMITTED


def _publish(instance) -> None:
    """Publish `instance` as the admin does: a revision, then `publish()` (and its signal)."""
    instance.save_revision().publish()
    instance.refresh_from_db()


class DealFactory(factory.django.DjangoModelFactory):
    """A deal as staff publish it: live, started a day ago, ongoing, open to everyone.

    `publish=True` saves it as a draft, then goes through a revision and `publish()` (and so the
    page_published signal the "your deal is live" e-mail listens to) instead of saving
    `live=True` directly. `categories=[...]` are set after the first save, as the admin does.
    """

    class Meta:
        model = Deal
        skip_postgeneration_save = True

    class Params:
        publish = False

    business = factory.SubFactory(BusinessFactory)
    title = factory.Sequence(lambda n: f"Deal number {n}")
    summary = factory.Sequence(lambda n: f"Summary of deal {n}.")
    valid_from = factory.LazyFunction(lambda: timezone.now() - DAY)
    audience = Deal.Audience.PUBLIC
    live = factory.LazyAttribute(lambda deal: not deal.publish)

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        if create and extracted:
            self.categories.set(extracted)
            self.save()

    published = factory.Maybe(
        "publish",
        factory.PostGeneration(
            lambda deal, create, extracted, **kwargs: _publish(deal) if create else None
        ),
    )


class JobPostingFactory(factory.django.DjangoModelFactory):
    """A job as staff publish it: live, posted yesterday, closing in 29 days, full-time on
    site in its business's town, applied for by e-mail. `publish=True` goes through a revision
    and `publish()` instead of saving `live=True` directly."""

    class Meta:
        model = JobPosting
        skip_postgeneration_save = True

    class Params:
        publish = False

    business = factory.SubFactory(BusinessFactory)
    title = factory.Sequence(lambda n: f"Job number {n}")
    town = factory.LazyAttribute(lambda job: job.business.city)
    description = "<p>A good job.</p>"
    apply_email = "jobs@employer.example"
    posted_on = factory.LazyFunction(lambda: timezone.localdate() - DAY)
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + 29 * DAY)
    live = factory.LazyAttribute(lambda job: not job.publish)
    # As publishing sets it: a job that was on the board answers 410 once closed.
    first_published_at = factory.LazyAttribute(lambda job: timezone.now() if job.live else None)

    published = factory.Maybe(
        "publish",
        factory.PostGeneration(
            lambda job, create, extracted, **kwargs: _publish(job) if create else None
        ),
    )


class ImageFactory(factory.django.DjangoModelFactory):
    """A Wagtail image with a real (small PNG) file, so renditions can be made."""

    class Meta:
        model = get_image_model()

    title = "Main Street at dusk"
    file = factory.LazyFunction(get_test_image_file)


class DocumentFactory(factory.django.DjangoModelFactory):
    """A Wagtail document holding `PDF`: the document block shows its type and size."""

    class Meta:
        model = get_document_model()

    title = "Parking study 2026"
    file = factory.django.FileField(data=PDF, filename="parking-study.pdf")


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.LazyAttribute(lambda topic: slugify(topic.name))
    description = ""


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Person {n}")
    role = ""
    photo = None


class NewsPageFactory(factory.django.DjangoModelFactory):
    """A news item, created the Wagtail way as a child of `parent` (required, usually the
    NewsIndexPage): `NewsPageFactory(parent=index, title=..., days_ago=3)`.

    It is dated `days_ago` days before today, so a test sets the newest-first order, never the
    order of creation. It is saved live directly; `publish=True` goes through a revision and
    `publish()` as the admin does (which also fires the page_published signal); `live=False`
    without `publish` leaves a draft. `topics` and `authors` (people, in order) are saved with
    the page, as the admin's form saves them; `image` is the listing image.
    """

    class Meta:
        model = NewsPage
        skip_postgeneration_save = True

    class Params:
        days_ago = 0
        publish = False
        image = None

    title = factory.Sequence(lambda n: f"News item {n}")
    # The number keeps slugs unique among siblings whatever the titles.
    slug = factory.LazyAttributeSequence(
        lambda page, n: f"{slugify(page.title)[:50] or 'news'}-{n}"
    )
    date = factory.LazyAttribute(lambda page: timezone.localdate() - page.days_ago * DAY)
    kind = NewsKind.NEWS
    summary = factory.LazyAttribute(lambda page: f"Summary of {page.title}.")
    listing_image = factory.SelfAttribute("image")
    body = factory.LazyAttribute(
        lambda page: [("paragraph", RichText(f"<p>Body of {html.escape(page.title)}.</p>"))]
    )
    live = factory.LazyAttribute(lambda page: not page.publish)

    published = factory.Maybe(
        "publish",
        factory.PostGeneration(
            lambda page, create, extracted, **kwargs: _publish(page) if create else None
        ),
    )

    @classmethod
    def _create(cls, model_class, *args, parent, topics=(), authors=(), **kwargs):
        """Into the page tree with `parent.add_child`, as Wagtail creates pages (a plain
        `save()` would leave the page outside the tree)."""
        page = model_class(*args, **kwargs)
        page.topics = list(topics)
        # As the admin's form does: a sort order for each author (without one their order is
        # whatever the database returns).
        page.authors = [
            NewsPageAuthor(person=person, sort_order=order) for order, person in enumerate(authors)
        ]
        parent.add_child(instance=page)
        return page


def account_member(name, level, email, *, role=MemberContact.Role.PRIMARY, **business):
    """A member with one listing in Riverside and a contact who logs in with `email`; the
    contact is `member.user`, the listing `member.business`."""
    member = MemberFactory(name=name, level=level)
    user = UserFactory(username=email, email=email, first_name=email.split("@")[0].title())
    MemberContactFactory(member=member, user=user, role=role)
    member.user = user
    member.business = BusinessFactory(member=member, name=name, city="Riverside", **business)
    return member
