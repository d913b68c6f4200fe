from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from asis.core.i18n import TranslatableModel
from asis.core.links import validate_link
from asis.regions.models import COUNTRIES, Region


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Logs in with an email address. ``is_superuser`` is the platform-admin role."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, choices=settings.LANGUAGES, default="en"
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("can use the admin site"), default=False)
    is_editor = models.BooleanField(
        _("observatory editor"), default=False,
        help_text=_("Editors approve or reject initiatives and organisations proposed by users."))
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # Only self sign-up starts unverified (it sets None); accounts made by an administrator, the
    # demo or the CLI count as verified, since someone who knows the person made them.
    email_verified_at = models.DateTimeField(_("e-mail address verified at"), null=True, blank=True,
                                             default=timezone.now)
    terms_accepted_at = models.DateTimeField(_("terms accepted at"), null=True, blank=True)
    terms_version = models.CharField(_("version of the accepted terms"), max_length=40, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.anonymised_at:
            return f"Deleted user #{self.pk}"
        return self.full_name or self.email

    def audit_label(self) -> str:
        return f"user #{self.pk}"

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def is_platform_admin(self) -> bool:
        return bool(self.is_active and self.is_superuser)

    @property
    def can_moderate(self) -> bool:
        return bool(self.is_active and (self.is_superuser or self.is_editor))


class Organisation(TranslatableModel):
    class Type(models.TextChoices):
        PUBLIC_AUTHORITY = "public_authority", _("Public authority")
        BUSINESS_SUPPORT = "business_support", _("Business-support organisation")
        SECTORAL_AGENCY = "sectoral_agency", _("Sectoral agency")
        UNIVERSITY = "university", _("University or research organisation")
        SOCIAL_ENTERPRISE = "social_enterprise", _("Social enterprise")
        NGO = "ngo", _("NGO or association")
        COMPANY = "company", _("Company")
        OTHER = "other", _("Other")

    TRANSLATABLE_FIELDS = ("description",)

    name = models.CharField(_("name"), max_length=200)
    type = models.CharField(_("type"), max_length=32, choices=Type.choices)
    country = models.CharField(_("country"), max_length=2, choices=COUNTRIES)
    region = models.ForeignKey(
        Region, verbose_name=_("NUTS region"), on_delete=models.PROTECT, related_name="organisations"
    )
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Rejected")

    website = models.URLField(_("website"), blank=True, validators=[validate_link])
    address = models.TextField(_("postal address"), blank=True, max_length=500)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PUBLISHED,
                              db_index=True)
    moderation_reason = models.TextField(_("reason given by the editor"), blank=True)
    submitted_by = models.ForeignKey("accounts.User", verbose_name=_("submitted by"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="organisations_submitted")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(fields=["name", "country"], name="organisation_unique_name_country")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("accounts:organisation_detail", kwargs={"organisation_id": self.pk})

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.region_id and self.country and self.region.country != self.country:
            raise ValidationError(
                {"region": _("The region %(region)s is not in the selected country.") % {"region": self.region.code}}
            )


class Role(models.TextChoices):
    ORGANISATION_ADMIN = "organisation_admin", _("Organisation administrator")
    PROGRAMME_MANAGER = "programme_manager", _("Programme manager")
    EVALUATOR = "evaluator", _("Evaluator")
    PROJECT_HOLDER = "project_holder", _("Project holder")
    POLICY_OFFICER = "policy_officer", _("Policy officer")
    MEMBER = "member", _("Member")


STAFF_ROLES = frozenset({Role.PROGRAMME_MANAGER, Role.EVALUATOR})
# Who manages an organisation's members. Programme managers always did for their authority; an
# organisation administrator is the role a self-registered organisation's founder gets.
MEMBER_ADMIN_ROLES = frozenset({Role.ORGANISATION_ADMIN, Role.PROGRAMME_MANAGER})
# Roles an organisation administrator may hand out. Staff roles stay with programme managers and
# platform admins: a self-registered organisation must not make itself a funder of calls.
SELF_SERVICE_ROLES = (Role.ORGANISATION_ADMIN, Role.PROJECT_HOLDER, Role.MEMBER)


class Membership(models.Model):
    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique_role")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.role} @ {self.organisation_id}"

    def audit_label(self) -> str:
        return f"user #{self.user_id} {self.role} @ organisation #{self.organisation_id}"


class JoinRequest(models.Model):
    """A person asks an organisation's administrators to make them a member."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="join_requests")
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE,
                                     related_name="join_requests")
    message = models.TextField(_("message to the administrators"), blank=True, max_length=2000)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    role = models.CharField(_("role given"), max_length=32, choices=Role.choices, blank=True)
    reason = models.TextField(_("reason for declining"), blank=True, max_length=2000)
    decided_by = models.ForeignKey(User, verbose_name=_("answered by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("request to join")
        verbose_name_plural = _("requests to join")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One open request per person and organisation: a second click does not spam the admins.
            models.UniqueConstraint(fields=["user", "organisation"], condition=models.Q(status="pending"),
                                    name="join_request_one_pending")
        ]

    def __str__(self) -> str:
        return f"user #{self.user_id} -> organisation #{self.organisation_id} ({self.status})"


class Invitation(models.Model):
    """An e-mailed invitation into an organisation. The link carries a signed token naming this row
    and its nonce; it works once (``accepted_at``) and until ``expires_at``."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE,
                                     related_name="invitations")
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    nonce = models.CharField(max_length=32, editable=False)
    invited_by = models.ForeignKey(User, verbose_name=_("invited by"), null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(User, verbose_name=_("accepted by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"invitation #{self.pk} to organisation #{self.organisation_id}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()


class ApiToken(models.Model):
    """A personal API token. Only a SHA-256 digest is stored; the token is shown once."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=8)
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class RecoveryCode(models.Model):
    """A one-time second factor for a lost authenticator.

    Only a salted SHA-256 digest is kept (django-otp's StaticToken stores the code in plain text):
    the codes are long random strings, so a fast hash with a per-code salt is enough and keeps the
    check of ten candidates cheap.
    """

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="recovery_codes")
    salt = models.CharField(_("salt"), max_length=32)
    digest = models.CharField(_("digest"), max_length=64)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"recovery code #{self.pk} of user #{self.user_id}"

    @staticmethod
    def hash(salt: str, code: str) -> str:
        return hashlib.sha256(f"{salt}:{code}".encode()).hexdigest()
