"""Funding calls: the call, its applications, screening, evaluators, reviews, panel and decisions.

Configuration that the evaluation engine reads (grid, methods, portfolio constraints) is stored
as JSON in the engine's own formats, so a call is reproducible from its frozen snapshot
(``CallVersion``) without the rest of the database.
"""

from __future__ import annotations

import uuid
import zoneinfo
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from asis.accounts.models import Organisation
from asis.core.i18n import TranslatableModel
from asis.observatory.models import Challenge
from asis.regions.models import Region

MONEY = {"max_digits": 14, "decimal_places": 2}


def _timezone_choices() -> list[tuple[str, str]]:
    zones = ["Europe/Vienna", "Europe/Berlin", "Europe/Paris", "Europe/Rome", "Europe/Ljubljana",
             "Europe/Zurich", "Europe/Vaduz", "UTC"]
    return [(z, z) for z in zones]


class Call(TranslatableModel):
    """A funding call of one organisation (the tenant)."""

    TRANSLATABLE_FIELDS = ("title", "description", "legal_remedy")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RESULTS = "results", _("Decisions published")
        ARCHIVED = "archived", _("Archived")

    class Phase(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ANNOUNCED = "announced", _("Announced")
        OPEN = "open", _("Open for applications")
        EVALUATION = "evaluation", _("Under evaluation")
        DECIDED = "decided", _("Decided")
        ARCHIVED = "archived", _("Archived")

    class Aggregation(models.TextChoices):
        MEAN = "mean", _("Mean")
        MEDIAN = "median", _("Median")
        TRIMMED_MEAN = "trimmed_mean", _("Trimmed mean")

    class Calibration(models.TextChoices):
        NONE = "none", _("None")
        STANDARDISE = "standardise", _("Standardise each evaluator")
        EVALUATOR_EFFECTS = "evaluator_effects", _("Evaluator effects model")

    class RankingMethod(models.TextChoices):
        WEIGHTED_SUM = "weighted_sum", _("Weighted sum")
        TOPSIS = "topsis", _("TOPSIS")
        PROMETHEE_II = "promethee_ii", _("PROMETHEE II")
        VIKOR = "vikor", _("VIKOR")

    class RegionalConflictRule(models.TextChoices):
        NONE = "none", _("No regional rule")
        SAME_REGION = "same_region", _("Evaluator and applicant in the same NUTS-2 region")
        SAME_COUNTRY = "same_country", _("Evaluator and applicant in the same country")

    class FundingRule(models.TextChoices):
        RANK_STRICT = "rank_strict", _("Strictly in rank order until the budget runs out")
        RANK_SKIP = "rank_skip", _("In rank order, skipping an application that does not fit in the budget left")
        OPTIMAL = "optimal", _("The optimal portfolio under the call's rules")

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT,
                                     related_name="calls")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT,
                              db_index=True)
    # money
    budget = models.DecimalField(_("budget (EUR)"), **MONEY, validators=[MinValueValidator(Decimal("0"))])
    min_grant = models.DecimalField(_("minimum grant (EUR)"), **MONEY, default=Decimal("0"),
                                    validators=[MinValueValidator(Decimal("0"))])
    max_grant = models.DecimalField(_("maximum grant (EUR)"), **MONEY, validators=[MinValueValidator(Decimal("0"))])
    cofunding_rate = models.DecimalField(
        # 80 %: applicants bring a fifth of the cost, the usual share in Interreg and regional
        # programmes; 100 % would fund projects without any commitment of their own.
        _("maximum co-funding rate (%)"), max_digits=5, decimal_places=2, default=Decimal("80"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("The largest share of a project's total cost the grant may cover."))
    # eligibility scope (empty = no restriction)
    eligible_regions = models.ManyToManyField(Region, blank=True, related_name="calls",
                                              verbose_name=_("eligible regions"))
    applicant_types = models.JSONField(_("eligible applicant types"), default=list, blank=True)
    challenges = models.ManyToManyField(Challenge, blank=True, related_name="calls", verbose_name=_("challenges"))
    # timeline
    timezone = models.CharField(_("time zone"), max_length=40, choices=_timezone_choices(),
                                default="Europe/Vienna")
    opens_at = models.DateTimeField(_("opening"))
    closes_at = models.DateTimeField(_("closing"))
    evaluation_ends_on = models.DateField(_("end of evaluation"), null=True, blank=True)
    decision_on = models.DateField(_("decision"), null=True, blank=True)
    # contact for applicants' questions (shown on the public page)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    # evaluation configuration
    grid_template = models.CharField(_("criteria grid template"), max_length=40, default="asis")
    grid = models.JSONField(_("criteria grid"), default=dict, blank=True)
    eligibility_checklist = models.JSONField(_("eligibility checklist"), default=list, blank=True)
    custom_questions = models.JSONField(_("custom questions"), default=list, blank=True)
    evaluators_per_application = models.PositiveSmallIntegerField(
        _("evaluators per application"), default=3, validators=[MinValueValidator(1), MaxValueValidator(10)])
    aggregation = models.CharField(_("aggregation"), max_length=16, choices=Aggregation.choices,
                                   default=Aggregation.MEAN)
    calibration = models.CharField(_("calibration"), max_length=20, choices=Calibration.choices,
                                   default=Calibration.NONE)
    ranking_methods = models.JSONField(_("ranking methods"), default=list, blank=True)
    primary_method = models.CharField(_("primary ranking method"), max_length=16, choices=RankingMethod.choices,
                                      default=RankingMethod.WEIGHTED_SUM)
    portfolio_constraints = models.JSONField(_("portfolio constraints"), default=dict, blank=True)
    funding_rule = models.CharField(_("funding rule"), max_length=16, choices=FundingRule.choices,
                                    default=FundingRule.OPTIMAL)
    # decision letters
    signatory_name = models.CharField(_("signatory of the letters"), max_length=120, blank=True)
    signatory_function = models.CharField(_("function of the signatory"), max_length=120, blank=True)
    legal_remedy = models.TextField(_("legal remedy"), blank=True, max_length=4000,
                                    help_text=_("Printed at the end of every decision letter."))
    share_scores = models.BooleanField(
        _("show applicants their aggregated scores and the anonymised comments after the decision"),
        default=False)
    # Why lower-ranked applications are funded over higher-ranked ones: {"text", "pairs", "by", "at"}.
    decision_justification = models.JSONField(_("justification of the decisions"), default=dict, blank=True)
    blind = models.BooleanField(_("blind evaluation"), default=False,
                                help_text=_("Evaluators do not see who applies."))
    hide_scores_until_submitted = models.BooleanField(
        _("hide other evaluators' scores until one's own review is submitted"), default=True)
    regional_conflict_rule = models.CharField(_("regional conflict rule"), max_length=16,
                                              choices=RegionalConflictRule.choices,
                                              default=RegionalConflictRule.NONE)
    smaa_draws = models.PositiveIntegerField(_("SMAA draws"), default=2000,
                                             validators=[MaxValueValidator(100000)])
    # bookkeeping
    version = models.PositiveIntegerField(_("version"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="calls_created")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        ordering = ["-opens_at", "pk"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        constraints = [
            models.CheckConstraint(condition=models.Q(closes_at__gt=models.F("opens_at")),
                                   name="call_closes_after_opening"),
            models.CheckConstraint(condition=models.Q(max_grant__gte=models.F("min_grant")),
                                   name="call_max_grant_at_least_min"),
        ]

    def __str__(self) -> str:
        return self.title

    def audit_label(self) -> str:
        return f"call #{self.pk} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("calls:public_detail", kwargs={"call_id": self.pk})

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            errors["closes_at"] = _("The call must close after it opens.")
        if self.min_grant is not None and self.max_grant is not None and self.max_grant < self.min_grant:
            errors["max_grant"] = _("The maximum grant must be at least the minimum grant.")
        if self.max_grant is not None and self.budget is not None and self.max_grant > self.budget:
            errors["max_grant"] = _("The maximum grant cannot exceed the budget.")
        if self.timezone:
            try:
                zoneinfo.ZoneInfo(self.timezone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                errors["timezone"] = _("Unknown time zone.")
        valid_types = set(Organisation.Type.values)
        if any(t not in valid_types for t in self.applicant_types or []):
            errors["applicant_types"] = _("Unknown applicant type.")
        if errors:
            raise ValidationError(errors)

    @property
    def display_title(self) -> str:
        """The title in the active language, falling back to the original (templates, e-mails, PDFs)."""
        return str(self.translated("title"))

    # --- phase: derived from status and the (server) clock -------------------------------------
    def phase_at(self, now: Any = None) -> str:
        now = now or timezone.now()
        if self.status == self.Status.DRAFT:
            return self.Phase.DRAFT
        if self.status == self.Status.ARCHIVED:
            return self.Phase.ARCHIVED
        if self.status == self.Status.RESULTS:
            return self.Phase.DECIDED
        if now < self.opens_at:
            return self.Phase.ANNOUNCED
        if now < self.closes_at:
            return self.Phase.OPEN
        return self.Phase.EVALUATION

    @property
    def phase(self) -> str:
        return self.phase_at()

    @property
    def is_frozen(self) -> bool:
        """Configuration is frozen once a published call has opened."""
        return self.status != self.Status.DRAFT and timezone.now() >= self.opens_at

    @property
    def accepts_applications(self) -> bool:
        return self.phase == self.Phase.OPEN

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


class CallVersion(models.Model):
    """An immutable snapshot of a call's configuration, one per publication or change after it."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="versions", verbose_name=_("call"))
    number = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(_("snapshot"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["call", "number"]
        verbose_name = _("call version")
        verbose_name_plural = _("call versions")
        constraints = [models.UniqueConstraint(fields=["call", "number"], name="call_version_unique")]

    def __str__(self) -> str:
        return f"{self.call_id} v{self.number}"


class SelfAssessment(models.Model):
    """A public, anonymous self-assessment against the ASIS common criteria, reachable by its token."""

    token = models.UUIDField(_("token"), default=uuid.uuid4, unique=True, editable=False)
    project_title = models.CharField(_("project title"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="en")
    grid_id = models.CharField(_("criteria grid"), max_length=40, default="asis")
    answers = models.JSONField(_("answers"), default=dict)  # {criterion_id: int level}
    notes = models.JSONField(_("notes"), default=dict, blank=True)  # {criterion_id: text}
    # Optional: where the project takes place and what it addresses, to point to open calls that fit.
    profile = models.JSONField(_("project profile"), default=dict, blank=True)  # {region: code, challenges: [codes]}
    call = models.ForeignKey(Call, null=True, blank=True, on_delete=models.SET_NULL, related_name="self_assessments",
                             verbose_name=_("call"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="self_assessments", verbose_name=_("user"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")

    def __str__(self) -> str:
        return self.project_title or str(self.token)


class Application(TranslatableModel):
    """An application to a call by a lead organisation."""

    TRANSLATABLE_FIELDS = ("title", "summary")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Eligibility(models.TextChoices):
        PENDING = "pending", _("Not screened yet")
        ELIGIBLE = "eligible", _("Eligible")
        INELIGIBLE = "ineligible", _("Not eligible")

    class Decision(models.TextChoices):
        NONE = "", _("No decision yet")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WAITLISTED = "waitlisted", _("Waiting list")

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications", verbose_name=_("call"))
    reference = models.CharField(_("reference"), max_length=32, unique=True)
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications",
                                  verbose_name=_("applicant"))
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="applications",
                                     verbose_name=_("lead organisation"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="applications",
                               verbose_name=_("region of the project"), null=True, blank=True)
    title = models.CharField(_("project title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    challenges = models.ManyToManyField(Challenge, blank=True, related_name="applications",
                                        verbose_name=_("challenges"))
    requested_amount = models.DecimalField(_("requested grant (EUR)"), **MONEY, null=True, blank=True,
                                           validators=[MinValueValidator(Decimal("0"))])
    total_cost = models.DecimalField(_("total project cost (EUR)"), **MONEY, null=True, blank=True,
                                     validators=[MinValueValidator(Decimal("0"))])
    budget_lines = models.JSONField(_("budget table"), default=list, blank=True)  # [{category, description, amount}]
    logic_model = models.JSONField(_("logic model"), default=dict, blank=True)
    answers = models.JSONField(_("answers to the call's questions"), default=dict, blank=True)
    self_assessment = models.ForeignKey(SelfAssessment, null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="applications", verbose_name=_("self-assessment"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT,
                              db_index=True)
    eligibility = models.CharField(_("eligibility"), max_length=16, choices=Eligibility.choices,
                                   default=Eligibility.PENDING, db_index=True)
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices, default=Decision.NONE,
                                blank=True, db_index=True)
    granted_amount = models.DecimalField(_("granted amount (EUR)"), **MONEY, null=True, blank=True)
    decision_reason = models.TextField(_("reason of the decision"), blank=True)
    # The facts the letter's reason is generated from (rule, rank, amounts, preferred applications,
    # criterion keys), written when the letter is sent; rendered in the reader's language.
    decision_facts = models.JSONField(_("facts of the decision"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    # Drafts are the applicant's own until submitted; sharing one with the call's managers (to ask a
    # question) is an explicit, audited and revocable choice, recorded here.
    draft_shared_at = models.DateTimeField(_("draft shared with the call's managers"), null=True, blank=True)
    receipt_digest = models.CharField(_("receipt digest"), max_length=64, blank=True)
    # When the applicant ticked the declaration on the final review page, just before submitting.
    declared_at = models.DateTimeField(_("declaration accepted"), null=True, blank=True)
    initiative = models.OneToOneField("observatory.Initiative", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="application", verbose_name=_("observatory initiative"))

    class Meta:
        ordering = ["call", "reference"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        indexes = [models.Index(fields=["call", "status", "eligibility"], name="application_call_state")]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def audit_label(self) -> str:
        return f"application {self.reference}"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT and self.call.accepts_applications

    @property
    def is_shared_draft(self) -> bool:
        return self.status == self.Status.DRAFT and self.draft_shared_at is not None


class ApplicationPartner(models.Model):
    """A partner organisation of an application (not the lead)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="partners",
                                    verbose_name=_("application"))
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="application_partnerships",
                                     verbose_name=_("organisation"))
    role = models.CharField(_("role in the project"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")
        constraints = [models.UniqueConstraint(fields=["application", "organisation"],
                                               name="application_partner_unique")]

    def __str__(self) -> str:
        return f"{self.organisation_id} in {self.application_id}"



class CoApplicant(models.Model):
    """A person who may edit the draft with the applicant."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="co_applicants",
                                    verbose_name=_("application"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="co_applications",
                             verbose_name=_("user"))
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("co-applicant")
        verbose_name_plural = _("co-applicants")
        constraints = [models.UniqueConstraint(fields=["application", "user"], name="co_applicant_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.application_id}"



def private_storage() -> FileSystemStorage:
    """Attachments live outside MEDIA_ROOT: nothing serves them but the permission-checked view."""
    return FileSystemStorage(location=settings.ASIS_PRIVATE_MEDIA_ROOT, base_url=None)


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"calls/{instance.application.call_id}/{instance.application_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    class Kind(models.TextChoices):
        BUDGET = "budget", _("Detailed budget")
        SUPPORT_LETTER = "support_letter", _("Letter of support")
        CV = "cv", _("CV of the team")
        STATUTES = "statutes", _("Statutes or registration")
        OTHER = "other", _("Other")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments",
                                    verbose_name=_("application"))
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=attachment_path, storage=private_storage)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["application", "uploaded_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name



class EligibilityCheck(models.Model):
    """Staff screening of an application with the call's checklist; the latest one counts."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="eligibility_checks",
                                    verbose_name=_("application"))
    results = models.JSONField(_("checklist answers"), default=dict)  # {item_id: true/false}
    outcome = models.CharField(_("outcome"), max_length=16, choices=Application.Eligibility.choices)
    reason = models.TextField(_("reason"), blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("checked by"))
    checked_at = models.DateTimeField(_("checked"), auto_now_add=True)

    class Meta:
        ordering = ["application", "-checked_at"]
        verbose_name = _("eligibility check")
        verbose_name_plural = _("eligibility checks")

    def __str__(self) -> str:
        return f"{self.application_id}: {self.outcome}"



class Evaluator(models.Model):
    """A person invited to evaluate a call (staff of the organisation or an external expert)."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="evaluators", verbose_name=_("call"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="evaluator_roles",
                             verbose_name=_("user"))
    external = models.BooleanField(_("external expert"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.INVITED)
    capacity = models.PositiveIntegerField(_("maximum number of applications"), null=True, blank=True)
    expertise = models.ManyToManyField(Challenge, blank=True, related_name="+", verbose_name=_("expertise"))
    token = models.UUIDField(_("invitation token"), default=uuid.uuid4, unique=True, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("invited by"))
    invited_at = models.DateTimeField(_("invited"), auto_now_add=True)
    responded_at = models.DateTimeField(_("responded"), null=True, blank=True)

    class Meta:
        ordering = ["call", "user__email"]
        verbose_name = _("evaluator")
        verbose_name_plural = _("evaluators")
        constraints = [models.UniqueConstraint(fields=["call", "user"], name="evaluator_unique_per_call")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.call_id}"

    def audit_label(self) -> str:
        return f"evaluator user #{self.user_id} on call #{self.call_id}"


class ConflictOfInterest(models.Model):
    class Type(models.TextChoices):
        SAME_ORGANISATION = "same_organisation", _("Member of the applicant organisation")
        PARTNER_ORGANISATION = "partner_organisation", _("Member of a partner organisation")
        REGIONAL = "regional", _("Regional rule of the call")
        DECLARED = "declared", _("Declared by the evaluator")
        MANUAL = "manual", _("Recorded by the programme manager")

    evaluator = models.ForeignKey(Evaluator, on_delete=models.CASCADE, related_name="conflicts",
                                  verbose_name=_("evaluator"))
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="conflicts",
                                    verbose_name=_("application"))
    type = models.CharField(_("type"), max_length=24, choices=Type.choices)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [models.UniqueConstraint(fields=["evaluator", "application", "type"],
                                               name="conflict_unique_type")]

    def __str__(self) -> str:
        return f"{self.evaluator_id} x {self.application_id}: {self.type}"



class Assignment(models.Model):
    class Method(models.TextChoices):
        AUTOMATIC = "automatic", _("Automatic")
        MANUAL = "manual", _("Manual")

    evaluator = models.ForeignKey(Evaluator, on_delete=models.PROTECT, related_name="assignments",
                                  verbose_name=_("evaluator"))
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="assignments",
                                    verbose_name=_("application"))
    method = models.CharField(_("method"), max_length=16, choices=Method.choices, default=Method.AUTOMATIC)
    reason = models.TextField(_("reason"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("assigned by"))
    created_at = models.DateTimeField(_("assigned"), auto_now_add=True)

    class Meta:
        ordering = ["application", "evaluator"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [models.UniqueConstraint(fields=["evaluator", "application"], name="assignment_unique")]

    def __str__(self) -> str:
        return f"{self.evaluator_id} -> {self.application_id}"

    def audit_label(self) -> str:
        return f"assignment of evaluator #{self.evaluator_id} to application #{self.application_id}"



class Review(models.Model):
    """One evaluator's review of one application (one per assignment)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    assignment = models.OneToOneField(Assignment, on_delete=models.PROTECT, related_name="review",
                                      verbose_name=_("assignment"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    comment = models.TextField(_("overall comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reopened_count = models.PositiveIntegerField(_("times reopened"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return f"review #{self.pk}"

    def audit_label(self) -> str:
        return f"review #{self.pk} of application #{self.assignment.application_id}"



class ReviewScore(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores", verbose_name=_("review"))
    criterion = models.CharField(_("criterion"), max_length=60)
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)
    justification = models.TextField(_("justification"), blank=True)

    class Meta:
        ordering = ["review", "criterion"]
        verbose_name = _("criterion score")
        verbose_name_plural = _("criterion scores")
        constraints = [models.UniqueConstraint(fields=["review", "criterion"], name="review_score_unique")]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"



class ConsensusScore(models.Model):
    """A panel moderator's agreed score for one criterion of one application, with the reason."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="consensus_scores",
                                    verbose_name=_("application"))
    criterion = models.CharField(_("criterion"), max_length=60)
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2)
    reason = models.TextField(_("reason"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("set by"))
    set_at = models.DateTimeField(_("set"), auto_now=True)

    class Meta:
        ordering = ["application", "criterion"]
        verbose_name = _("consensus score")
        verbose_name_plural = _("consensus scores")
        constraints = [models.UniqueConstraint(fields=["application", "criterion"], name="consensus_unique")]

    def __str__(self) -> str:
        return f"{self.application_id} {self.criterion}: {self.score}"



class ResultSet(models.Model):
    """A computed set of results (the engine's JSON output) for a call, produced by a background job."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="result_sets", verbose_name=_("call"))
    job = models.ForeignKey("core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                            verbose_name=_("job"))
    params = models.JSONField(_("parameters"), default=dict)
    data = models.JSONField(_("results"), default=dict)
    inputs_digest = models.CharField(_("inputs digest"), max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("computed by"))
    created_at = models.DateTimeField(_("computed"), auto_now_add=True)

    class Meta:
        ordering = ["call", "-created_at"]
        get_latest_by = "created_at"
        verbose_name = _("result set")
        verbose_name_plural = _("result sets")

    def __str__(self) -> str:
        return f"results of call #{self.call_id} at {self.created_at:%Y-%m-%d %H:%M}"



class DecisionLetterTemplate(TranslatableModel):
    """Letter text per call and outcome; ``{{ placeholders }}`` are filled in per application."""

    TRANSLATABLE_FIELDS = ("subject", "body")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="letter_templates",
                             verbose_name=_("call"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=Application.Decision.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))

    class Meta:
        verbose_name = _("decision letter template")
        verbose_name_plural = _("decision letter templates")
        constraints = [models.UniqueConstraint(fields=["call", "outcome"], name="letter_template_unique")]

    def __str__(self) -> str:
        return f"{self.call_id} {self.outcome}"



class DecisionLetter(models.Model):
    """The letter sent to an applicant, as rendered (in the applicant's language) when it was sent."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="letters",
                                    verbose_name=_("application"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=Application.Decision.choices)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                verbose_name=_("sent by"))

    class Meta:
        ordering = ["application", "-sent_at"]
        verbose_name = _("decision letter")
        verbose_name_plural = _("decision letters")

    def __str__(self) -> str:
        return self.subject



class FundedProject(models.Model):
    """A funded application, ready for monitoring (indicators come from its logic model)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        TERMINATED = "terminated", _("Terminated")

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="project",
                                       verbose_name=_("application"))
    grant = models.DecimalField(_("grant (EUR)"), **MONEY)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    indicators = models.JSONField(_("indicators"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("funded project")
        verbose_name_plural = _("funded projects")

    def __str__(self) -> str:
        return f"project of application #{self.application_id}"



class Notification(models.Model):
    """Log of every e-mail the calls module sent (or failed to send)."""

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped (no address)")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="call_notifications", verbose_name=_("recipient"))
    email = models.EmailField(_("address"), blank=True)
    kind = models.CharField(_("kind"), max_length=60, db_index=True)
    language = models.CharField(_("language"), max_length=5)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    call = models.ForeignKey(Call, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications",
                             verbose_name=_("call"))
    application = models.ForeignKey(Application, null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="notifications", verbose_name=_("application"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return f"{self.kind} to {self.email}"


# --- what the public page of a call carries besides its configuration -------------------------------

def call_document_path(instance: CallDocument, filename: str) -> str:
    return f"calls/{instance.call_id}/documents/{uuid.uuid4().hex}"


class CallDocument(TranslatableModel):
    """A document of a call (guidelines, templates); public once the call is published."""

    TRANSLATABLE_FIELDS = ("title",)

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="documents", verbose_name=_("call"))
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=call_document_path, storage=private_storage)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["call", "uploaded_at", "pk"]
        verbose_name = _("call document")
        verbose_name_plural = _("call documents")

    def __str__(self) -> str:
        return self.title


class CallFAQ(TranslatableModel):
    """A question and its answer on the public page of a call."""

    TRANSLATABLE_FIELDS = ("question", "answer")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="faqs", verbose_name=_("call"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    question = models.CharField(_("question"), max_length=300)
    answer = models.TextField(_("answer"))

    class Meta:
        ordering = ["call", "position", "pk"]
        verbose_name = _("frequently asked question")
        verbose_name_plural = _("frequently asked questions")

    def __str__(self) -> str:
        return self.question


class CallSubscription(models.Model):
    """Someone who asked to be told when a call opens; anonymous addresses confirm first."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="subscriptions", verbose_name=_("call"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="call_subscriptions", verbose_name=_("user"))
    email = models.EmailField(_("address"))
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    token = models.CharField(_("token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    notified_at = models.DateTimeField(_("notified"), null=True, blank=True)

    class Meta:
        ordering = ["call", "created_at"]
        verbose_name = _("call subscription")
        verbose_name_plural = _("call subscriptions")
        constraints = [models.UniqueConstraint(fields=["call", "email"], name="call_subscription_once")]

    def __str__(self) -> str:
        return f"{self.email} on {self.call_id}"
