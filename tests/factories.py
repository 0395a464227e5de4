import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from directory.models import Business, Category
from membership.models import Application, Member, MemberContact, MembershipLevel


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
