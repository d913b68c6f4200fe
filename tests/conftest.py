from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from asis.accounts.models import Organisation, Role, User
from asis.regions.models import Region
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory

__all__ = ["PASSWORD", "make_org", "make_user"]

ROLE_NAMES = (
    "anonymous",
    "member",
    "project_holder",
    "evaluator",
    "manager",
    "other_manager",
    "platform_admin",
)


@dataclass
class World:
    org: Organisation
    other_org: Organisation
    users: dict[str, User | None]

    def client_for(self, role: str) -> Client:
        client = Client()
        user = self.users[role]
        if user is not None:
            client.force_login(user)
        return client


def make_user(email: str, **extra: Any) -> User:
    return UserFactory(email=email, **extra)


def make_org(name: str, code: str = "AT33") -> Organisation:
    return OrganisationFactory(name=name, code=code)


@pytest.fixture
def world(db: Any) -> World:
    org = make_org("Land Tirol Test", "AT33")
    other = make_org("Région Test", "FRK2")
    users: dict[str, User | None] = {"anonymous": None}
    for role, membership_role, organisation in [
        ("member", Role.MEMBER, org),
        ("project_holder", Role.PROJECT_HOLDER, org),
        ("evaluator", Role.EVALUATOR, org),
        ("manager", Role.PROGRAMME_MANAGER, org),
        ("other_manager", Role.PROGRAMME_MANAGER, other),
    ]:
        users[role] = MembershipFactory(user__email=f"{role}@example.org", organisation=organisation,
                                        role=membership_role).user
    users["platform_admin"] = User.objects.create_superuser("admin@example.org", PASSWORD)
    return World(org=org, other_org=other, users=users)


@pytest.fixture(autouse=True)
def _audit_triggers_allow_flush(request: Any) -> Any:
    """Transactional tests end with a flush (DELETE/TRUNCATE of every table), which the audit
    log's append-only triggers refuse: lift them just for that flush, restore them before."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    if not transactional:
        yield
        return
    from django.db import connection

    from asis.core import db_triggers

    request.getfixturevalue("transactional_db")
    db_triggers.install(connection)
    if not Region.objects.exists():  # the previous flush removed the migration-loaded shapes
        from asis.regions.loader import load_regions

        load_regions(Region)
    yield
    db_triggers.remove(connection)


@pytest.fixture(autouse=True)
def _audit_anchor_dir(settings: Any, tmp_path: Any) -> None:
    """Audit checkpoints in a folder of each test's own: one test's chain is not the next one's."""
    settings.ASIS_AUDIT_ANCHOR_DIR = tmp_path / "audit-anchors"


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    """Cached counts (observatory facets) must not leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_facet_index() -> Any:
    """Each test's rolled-back database may reach the same catalogue version with other data:
    the process's facet index must not outlive the test that built it."""
    from asis.observatory.facet_index import forget

    forget()
    yield
    forget()


@pytest.fixture(autouse=True)
def _default_language() -> Any:
    """A request activates its language in the thread and nothing deactivates it afterwards; each
    test starts in the default language, so services called directly do not inherit the last
    request's language from an earlier test."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _catalogue_stamped_per_statement(request: pytest.FixtureRequest) -> None:
    """PostgreSQL stamps the catalogue's change log at commit (ADR 0004), and a test's transaction
    never commits: inside it, stamp at each statement so that the facet index sees the test's writes.
    Tests that commit (``transactional_db``) keep the deferred stamp."""
    if "db" in request.fixturenames:
        request.getfixturevalue("db")
    from django.db import connection

    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS observatory_catalogue_stamp IMMEDIATE")
