"""The observatory: initiatives, their organisations and regions, and the taxonomies."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from asis.accounts.models import Organisation
from asis.core.i18n import TranslatableModel
from asis.regions.models import Region

SDG_VALIDATORS = [MinValueValidator(1), MaxValueValidator(17)]


class Taxonomy(TranslatableModel):
    """An admin-editable term (a societal challenge or an intervention axis) mapped to UN SDGs."""

    TRANSLATABLE_FIELDS = ("name", "description")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    sdgs = models.JSONField(_("UN Sustainable Development Goals"), default=list, blank=True)
    from_asis = models.BooleanField(_("from the ASIS territorial analysis"), default=False)
    position = models.PositiveIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        abstract = True
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return str(self.translated("name"))

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        bad = [g for g in self.sdgs or [] if not isinstance(g, int) or not 1 <= g <= 17]
        if bad:
            raise ValidationError({"sdgs": _("SDG numbers run from 1 to 17.")})


class Challenge(Taxonomy):
    class Meta(Taxonomy.Meta):
        verbose_name = _("societal challenge")
        verbose_name_plural = _("societal challenges")


class Axis(Taxonomy):
    class Meta(Taxonomy.Meta):
        verbose_name = _("intervention axis")
        verbose_name_plural = _("intervention axes")


class Initiative(TranslatableModel):
    TRANSLATABLE_FIELDS = ("title", "summary", "description", "results", "pillar_need",
                           "pillar_collaboration", "pillar_impact")

    class Stage(models.TextChoices):
        IDEA = "idea", _("Idea")
        PILOT = "pilot", _("Pilot")
        IMPLEMENTATION = "implementation", _("Implementation")
        SCALING = "scaling", _("Scaling")
        ENDED = "ended", _("Ended")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Rejected")
        ARCHIVED = "archived", _("Archived")

    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    organisations = models.ManyToManyField(
        Organisation, through="InitiativeOrganisation", related_name="initiatives", verbose_name=_("organisations")
    )
    regions = models.ManyToManyField(Region, related_name="initiatives", verbose_name=_("regions"))
    latitude = models.FloatField(_("latitude"), null=True, blank=True,
                                 validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.FloatField(_("longitude"), null=True, blank=True,
                                  validators=[MinValueValidator(-180), MaxValueValidator(180)])
    challenges = models.ManyToManyField(Challenge, blank=True, related_name="initiatives",
                                        verbose_name=_("societal challenges"))
    axes = models.ManyToManyField(Axis, blank=True, related_name="initiatives", verbose_name=_("intervention axes"))
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.IDEA)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    budget_eur = models.DecimalField(_("budget (EUR)"), max_digits=14, decimal_places=2, null=True, blank=True,
                                     validators=[MinValueValidator(0)])
    funding_sources = models.CharField(_("funding sources"), max_length=500, blank=True)
    target_groups = models.CharField(_("target groups"), max_length=500, blank=True)
    people_reached = models.PositiveIntegerField(_("people reached"), null=True, blank=True)
    pillar_need = models.TextField(_("which social need or challenge it answers, and what is new"), blank=True)
    pillar_collaboration = models.TextField(_("how beneficiaries and stakeholders take part"), blank=True)
    pillar_impact = models.TextField(_("its positive, lasting and measurable impact"), blank=True)
    results = models.TextField(_("results"), blank=True)
    links = models.JSONField(_("links"), default=list, blank=True)
    licence = models.CharField(_("licence of the entry"), max_length=40, default="CC-BY-4.0")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT,
                              db_index=True)
    moderation_reason = models.TextField(_("reason given by the editor"), blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="initiatives_submitted")
    possible_duplicate_of = models.ForeignKey("self", verbose_name=_("possible duplicate of"), null=True, blank=True,
                                              on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        indexes = [models.Index(fields=["status", "stage"]), models.Index(fields=["status", "start_date"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="initiative_end_after_start",
            ),
            models.CheckConstraint(
                condition=(models.Q(latitude__isnull=True) & models.Q(longitude__isnull=True))
                | (models.Q(latitude__isnull=False) & models.Q(longitude__isnull=False)),
                name="initiative_point_complete",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("observatory:initiative_detail", kwargs={"initiative_id": self.pk})

    @property
    def start_year(self) -> int | None:
        return self.start_date.year if self.start_date else None


class InitiativeOrganisation(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        PARTNER = "partner", _("Partner")
        FUNDER = "funder", _("Funder")

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="organisation_links")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="initiative_links")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.PARTNER)

    class Meta:
        verbose_name = _("organisation of an initiative")
        verbose_name_plural = _("organisations of initiatives")
        constraints = [models.UniqueConstraint(fields=["initiative", "organisation", "role"],
                                               name="initiative_org_role_unique")]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.role}"


class InitiativeImage(models.Model):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(_("image"), upload_to="initiatives/%Y/")
    alt_text = models.CharField(_("text alternative"), max_length=300)
    credit = models.CharField(_("credit"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")

    def __str__(self) -> str:
        return self.alt_text


class InitiativeRevision(models.Model):
    """A snapshot after each change, for the edit history and its diffs."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="revisions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    snapshot = models.JSONField(_("snapshot"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")

    def __str__(self) -> str:
        return f"{self.initiative_id} @ {self.created_at}"


class InitiativeSearch(models.Model):
    """One text document per initiative and language, indexed by the database's full-text engine
    (PostgreSQL tsvector with the language's configuration; SQLite FTS5 mirror table)."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="search_documents")
    language = models.CharField(max_length=5)
    document = models.TextField()
    vector = SearchVectorField(null=True)  # PostgreSQL only; unused (and empty) on SQLite
    # Folded forms (see search.folded_document): substring and trigram matching, and ranking.
    # Nullable without default so that SQLite adds the columns in place (a table rebuild would drop
    # the catalogue change-log triggers of migration 0005); the indexer always writes them.
    folded = models.TextField(null=True, blank=True)  # noqa: DJ001
    title_folded = models.TextField(null=True, blank=True)  # noqa: DJ001

    class Meta:
        constraints = [models.UniqueConstraint(fields=["initiative", "language"], name="initiative_search_unique")]

    def __str__(self) -> str:
        return f"{self.initiative_id}/{self.language}"


class SearchWord(models.Model):
    """The catalogue's vocabulary (every folded word of the search documents, with one way it was
    written), for the typo fallback and "did you mean": comparing a word with a few thousand words
    is cheap, with whole documents it is not. Words are only added; a stale one costs nothing."""

    word = models.CharField(max_length=100, unique=True)
    written = models.CharField(max_length=100)

    def __str__(self) -> str:
        return self.word


class CatalogueVersion(models.Model):
    """One row (id 1): a counter that database triggers bump on every write to the published
    catalogue's tables, so a process learns whether it is up to date with one primary-key read.

    ``pruned_through``: change-log rows up to this version were deleted; a process that applied
    less must rebuild its index instead of patching it."""

    version = models.BigIntegerField(default=0)
    pruned_through = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.version)


class CatalogueChange(models.Model):
    """The initiatives a catalogue version touched (written by triggers; see migration 0005).
    ``initiative_id`` is a plain number, not a key: it outlives a deleted initiative.

    ``version`` is NULL until the writing transaction commits (PostgreSQL stamps it at commit):
    readers only ever see stamped rows, since NULL rows are visible to their own transaction only."""

    version = models.BigIntegerField(db_index=True, null=True)
    initiative_id = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["id"], condition=models.Q(version__isnull=True),
                                name="obs_catchange_unstamped")]

    def __str__(self) -> str:
        return f"{self.version}: {self.initiative_id}"
