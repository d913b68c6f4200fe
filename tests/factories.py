"""factory_boy factories for the foundation's models."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from asis.accounts.models import Membership, Organisation, Role, User
from asis.regions.models import Region

PASSWORD = "correct-horse-battery-staple"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.LazyAttribute(lambda o: o.email.split("@")[0].replace("_", " ").title())
    password = factory.django.Password(PASSWORD)


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    class Params:
        code = "AT33"

    name = factory.Sequence(lambda n: f"Organisation {n}")
    type = Organisation.Type.PUBLIC_AUTHORITY
    region = factory.LazyAttribute(lambda o: Region.objects.get(code=o.code))
    country = factory.LazyAttribute(lambda o: o.region.country)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.MEMBER
