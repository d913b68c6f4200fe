"""Multilingual full-text search over initiatives, forgiving of what people actually type.

Each initiative has one document per language (its texts in that language, falling back to the
original, plus organisation and region names), stored three ways:

* ``vector``: PostgreSQL tsvector with the language's configuration (``simple`` for Slovenian),
  GIN-indexed, so stemmed forms match ("logements" for "logement");
* ``folded``: the text folded to lower-case ASCII words (accents dropped, ``ß`` -> ``ss``, hyphens
  and punctuation -> spaces), followed by the title's adjacent word pairs written together
  ("car sharing" also gives "carsharing"). PostgreSQL indexes it with pg_trgm (GIN), SQLite
  mirrors it into an FTS5 table with the ``trigram`` tokenizer; both answer substring queries, so
  "energie" finds "Bürgerenergiegemeinschaft";
* SQLite also keeps the words in an FTS5 ``unicode61`` table for prefix queries.

A query word matches a document when the document has a word starting with it (stemmed on
PostgreSQL), contains it anywhere (three letters or more: compounds), or has a word starting with
its stem (the word less its last three letters, at least five kept: "énergie" -> "energ" finds
"énergétique"). Every word must match the same document. When nothing matches, a word that matches
nothing on its own is replaced by the closest words of the catalogue by trigram similarity (a typo
fallback; the page then says what it searched for instead). Results are ranked by where the words
were found (title before text, whole word before part of a word); see docs/methods/observatory.md.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Case, FloatField, Max, Q, Value, When
from django.db.models.expressions import Combinable
from django.db.models.functions import Length

from asis.observatory.models import Initiative, InitiativeSearch, SearchWord

PG_CONFIGS = {"en": "english", "fr": "french", "de": "german", "it": "italian", "sl": "simple"}
_TEXT_FIELDS = ("title", "summary", "description", "pillar_need", "pillar_collaboration", "pillar_impact", "results")
_TOKEN = re.compile(r"\w+", re.UNICODE)
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)
MAX_WORDS = 20
MIN_SUBSTRING = 3  # shorter words only match at the start of a word
MIN_STEM = 5
SIMILAR = 0.45  # trigram similarity (Jaccard) a typo fallback word needs
MAX_ALTERNATIVES = 3
FEW_RESULTS = 3  # fewer results than this: look for a "did you mean"


def fold(text: str) -> str:
    """Lower-case ASCII-ish words separated by single spaces: accents dropped, punctuation -> space."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NOT_WORD.sub(" ", bare).split())


def _pairs(folded: str) -> str:
    words = folded.split()
    return " ".join(a + b for a, b in zip(words, words[1:], strict=False))


def folded_document(title: str, rest: str) -> tuple[str, str]:
    """(folded title, folded document) as stored: padded with spaces so that " word " is a whole
    word, each followed by the title's word pairs written together (spelling variants)."""
    title_folded = fold(title)
    pairs = _pairs(title_folded)
    return f" {title_folded} {pairs} ", f" {title_folded} {fold(rest)} {pairs} "


def stem(word: str) -> str:
    """A crude, language-blind stem: the word less its last three letters, at least ``MIN_STEM`` kept."""
    return word[:max(MIN_STEM, len(word) - 3)] if len(word) > MIN_STEM else ""


@dataclass(frozen=True)
class Word:
    raw: str  # as typed, lower-case (for the PostgreSQL stemmers, which expect accents)
    folded: str
    alternatives: tuple[str, ...] = ()  # typo fallback: folded words used instead

    @property
    def forms(self) -> tuple[str, ...]:
        return self.alternatives or (self.folded,)


def words_of(text: str) -> list[Word]:
    words = []
    for raw in _TOKEN.findall(text or "")[:MAX_WORDS]:
        for part in fold(raw).split():
            words.append(Word(raw.casefold() if fold(raw) == part else part, part))
    return words


# --- indexing ------------------------------------------------------------------------------------

def _documents(initiative: Initiative) -> dict[str, tuple[str, str]]:
    names = [link.organisation.name for link in initiative.organisation_links.all()]
    names += [f"{r.code} {r.name}" for r in initiative.regions.all()]
    tail = " ".join(names)
    docs = {}
    for lang in settings.LANGUAGE_CODES:
        parts = [initiative.translated(field, lang).text for field in _TEXT_FIELDS]
        docs[lang] = (parts[0] or "", " ".join(p for p in parts if p) + " " + tail)
    return docs


def index_initiatives(initiatives: Iterable[Initiative]) -> int:
    """(Re)build the search documents of the given initiatives. Call inside the writing transaction."""
    items = list(initiatives)
    if not items:
        return 0
    ids = [i.pk for i in items]
    rows = []
    for initiative in items:
        for lang, (title, text) in _documents(initiative).items():
            title_folded, folded = folded_document(title, text)
            rows.append(InitiativeSearch(initiative_id=initiative.pk, language=lang, document=text,
                                         title_folded=title_folded, folded=folded))
    with transaction.atomic():
        InitiativeSearch.objects.filter(initiative_id__in=ids).delete()
        InitiativeSearch.objects.bulk_create(rows, batch_size=2000)
        if connection.vendor == "postgresql":
            for lang, config in PG_CONFIGS.items():
                InitiativeSearch.objects.filter(initiative_id__in=ids, language=lang).update(
                    vector=SearchVector("document", config=config)
                )
        elif connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                marks = ",".join(["%s"] * len(ids))
                for table in ("observatory_fts", "observatory_fts_trigram"):
                    cursor.execute(f"DELETE FROM {table} WHERE initiative_id IN ({marks})", ids)  # noqa: S608  # nosec B608  # fixed table names and "%s" placeholders only; the ids are parameters
                cursor.executemany(
                    "INSERT INTO observatory_fts (document, initiative_id, language) VALUES (%s, %s, %s)",
                    [(r.document, r.initiative_id, r.language) for r in rows],
                )
                cursor.executemany(
                    "INSERT INTO observatory_fts_trigram (folded, initiative_id, language) VALUES (%s, %s, %s)",
                    [(r.folded, r.initiative_id, r.language) for r in rows],
                )
        _add_words(rows)
        _catalogue_changed()  # now, for this transaction's own reads ...
        transaction.on_commit(_catalogue_changed)  # ... and again once others can see the change
    return len(items)


def _add_words(rows: Sequence[InitiativeSearch]) -> None:
    written: dict[str, str] = {}
    for row in rows:
        for token in _TOKEN.findall(row.document):
            folded = fold(token)
            if MIN_SUBSTRING <= len(folded) <= 100 and " " not in folded and not folded.isdigit():
                written.setdefault(folded, token[:100])
    SearchWord.objects.bulk_create([SearchWord(word=w, written=t) for w, t in written.items()],
                                   batch_size=2000, ignore_conflicts=True)


def _catalogue_changed() -> None:
    from asis.observatory.filters import catalogue_changed

    catalogue_changed()


def index_prefetch(queryset):  # type: ignore[no-untyped-def]
    return queryset.prefetch_related("organisation_links__organisation", "regions")


def reindex_all(batch: int = 1000) -> int:
    """Rebuild every document (after a restore, an import or the search upgrade)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM observatory_fts")
            cursor.execute("DELETE FROM observatory_fts_trigram")
    total = 0
    last = 0
    while True:
        chunk = list(index_prefetch(Initiative.objects.filter(pk__gt=last).order_by("pk"))[:batch])
        if not chunk:
            return total
        total += index_initiatives(chunk)
        last = chunk[-1].pk


# --- matching ------------------------------------------------------------------------------------

def _pg_word(word: Word) -> Q:
    """One GIN condition per index: the stemmed prefix in any language's configuration (one
    tsquery, OR-ed across configurations) or the folded text containing the word (its stem for
    long words: a superset of both the word anywhere and the stem at a word start). Few branches
    keep PostgreSQL on a BitmapOr of the two indexes rather than a sequential scan."""
    condition = Q()
    for form in word.forms:
        raw = word.raw if not word.alternatives else form
        stemmed = None
        for config in PG_CONFIGS.values():
            one = SearchQuery(f"'{raw}':*", config=config, search_type="raw")
            stemmed = one if stemmed is None else stemmed | one
        condition |= Q(vector=stemmed)
        pattern = stem(form) or form
        condition |= Q(folded__contains=pattern if len(pattern) >= MIN_SUBSTRING else f" {pattern}")
    return condition


def _pg_condition(words: Sequence[Word]) -> Q:
    condition = Q()
    for word in words:
        condition &= _pg_word(word)
    return condition


def _fts_phrase(word: str) -> str:
    return '"' + word + '"'  # folded words hold no quote


def _sqlite_word(word: Word, among: Sequence[int] | None) -> set[tuple[int, str]]:
    """(initiative, language) documents matching ``word``: prefix or stem prefix in the word table,
    substring in the trigram table."""
    prefix = " OR ".join(f"{_fts_phrase(f)}*" + (f" OR {_fts_phrase(stem(f))}*" if stem(f) else "")
                         for f in word.forms)
    queries = [("observatory_fts", prefix)]
    long = [f for f in word.forms if len(f) >= MIN_SUBSTRING]
    if long:
        queries.append(("observatory_fts_trigram", " OR ".join(_fts_phrase(f) for f in long)))
    found: set[tuple[int, str]] = set()
    with connection.cursor() as cursor:
        for table, match in queries:
            sql = f"SELECT initiative_id, language FROM {table} WHERE {table} MATCH %s"  # noqa: S608  # nosec B608  # fixed table names
            params: list[object] = [match]
            if among is not None:
                sql += " AND initiative_id IN ({})".format(",".join(["%s"] * len(among))) if among else " AND 0"
                params += list(among)
            cursor.execute(sql, params)
            found |= {(int(i), str(lang)) for i, lang in cursor.fetchall()}
    return found


def _sqlite_ids(words: Sequence[Word], among: Sequence[int] | None) -> set[int]:
    documents: set[tuple[int, str]] | None = None
    for word in words:
        matched = _sqlite_word(word, among)
        documents = matched if documents is None else documents & matched
        if not documents:
            return set()
    return {i for i, _lang in documents or ()}


def _any_match(words: Sequence[Word]) -> bool:
    if connection.vendor == "sqlite":
        return bool(_sqlite_ids(words, None))
    return InitiativeSearch.objects.filter(_pg_condition(words)).exists()


def _word_matches(word: Word) -> bool:
    if connection.vendor == "sqlite":
        return bool(_sqlite_word(word, None))
    return InitiativeSearch.objects.filter(_pg_word(word)).exists()


def _score(words: Sequence[Word]) -> Combinable:
    """Per document: for each word, 4 in the title at a word start, 3 in the title, 2.5 for its stem
    in the title, 2 a whole word of the text, 1.5 a word start in the text, 1 otherwise (part of a
    word, stem, stemmed form); summed over the words."""
    total: Combinable = Value(0.0)
    for word in words:
        form = word.forms[0]
        cases = [When(title_folded__contains=f" {form}", then=Value(4.0)),
                 When(title_folded__contains=form, then=Value(3.0))]
        if stem(form):
            cases.append(When(title_folded__contains=f" {stem(form)}", then=Value(2.5)))
        cases += [When(folded__contains=f" {form} ", then=Value(2.0)),
                  When(folded__contains=f" {form}", then=Value(1.5))]
        total = total + Case(*cases, default=Value(1.0), output_field=FloatField())
    return total


def _scored(documents, words: Sequence[Word]) -> dict[int, float]:  # type: ignore[no-untyped-def]
    rows = documents.values("initiative_id").annotate(score=Max(_score(words))).order_by()
    return {row["initiative_id"]: float(row["score"]) for row in rows}


def _match(words: Sequence[Word], among: Sequence[int] | None, scores: bool) -> dict[int, float]:
    if connection.vendor == "sqlite":
        ids = sorted(_sqlite_ids(words, among))
        if not scores:
            return dict.fromkeys(ids, 0.0)
        found: dict[int, float] = {}
        for start in range(0, len(ids), 500):
            found.update(_scored(InitiativeSearch.objects.filter(initiative_id__in=ids[start:start + 500]), words))
        return found
    documents = InitiativeSearch.objects.filter(_pg_condition(words))
    if among is not None:
        documents = documents.filter(initiative_id__in=among)
    if not scores:
        return dict.fromkeys(documents.values_list("initiative_id", flat=True).distinct(), 0.0)
    return _scored(documents, words)


# --- typo fallback and "did you mean" ------------------------------------------------------------

def _trigrams(word: str) -> set[str]:
    padded = f"  {word} "
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


def similarity(a: str, b: str) -> float:
    """pg_trgm's similarity: shared trigrams of the padded words over all their trigrams."""
    x, y = _trigrams(a), _trigrams(b)
    return len(x & y) / len(x | y) if x or y else 0.0


def _candidate_words(folded: str) -> dict[str, str]:
    """Words of the catalogue that may be close to ``folded``: folded form -> form as written."""
    low, high = max(1, len(folded) - 3), len(folded) + 3
    if connection.vendor == "postgresql":
        # pg_trgm's similarity operator (threshold 0.3) on the vocabulary's GIN trigram index
        with connection.cursor() as cursor:
            cursor.execute("SELECT word, written FROM observatory_searchword WHERE word %% %s "
                           "AND length(word) BETWEEN %s AND %s ORDER BY similarity(word, %s) DESC LIMIT 50",
                           [folded, low, high, folded])
            return {str(w): str(t) for w, t in cursor.fetchall()}
    rows = (SearchWord.objects.annotate(n=Length("word")).filter(n__gte=low, n__lte=high)
            .values_list("word", "written"))
    return dict(rows)


def _alternatives(word: Word) -> tuple[tuple[str, ...], str]:
    """The closest catalogue words to a word that matches nothing (folded forms), and the best one as
    written (for "did you mean")."""
    candidates = _candidate_words(word.folded)
    ranked = sorted(((similarity(word.folded, f), f) for f in candidates if f != word.folded and " " not in f),
                    key=lambda item: (-item[0], item[1]))
    chosen = [f for score, f in ranked if score >= SIMILAR][:MAX_ALTERNATIVES]
    return tuple(chosen), (candidates[chosen[0]] if chosen else "")


@dataclass(frozen=True)
class Plan:
    words: tuple[Word, ...]
    corrected: str = ""  # the query as searched, when the typo fallback replaced words


_MISSING = object()
PLAN_SECONDS = 60


def plan(text: str) -> Plan | None:
    """The words to search for; ``None`` for text without words. When nothing matches all the
    words, each word that matches nothing on its own is replaced by its closest catalogue words.
    Cached under the catalogue version (a typo's fallback costs several index lookups, and one page
    asks for the plan of its text several times: results, scores, marks, notes)."""
    from asis.observatory.filters import catalogue_version

    digest = hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()
    key = f"observatory:search-plan:{catalogue_version()}:{digest}"
    found = cache.get(key, _MISSING)
    if found is _MISSING:
        found = _plan(text)
        cache.set(key, found, PLAN_SECONDS)
    return found  # type: ignore[return-value]


def _plan(text: str) -> Plan | None:
    words = words_of(text)
    if not words:
        return None
    if _any_match(words):
        return Plan(tuple(words))
    fixed: list[Word] = []
    shown: list[str] = []
    changed = False
    for word in words:
        if len(words) > 1 and _word_matches(word):  # one word: it was just found to match nothing
            fixed.append(word)
            shown.append(word.raw)
            continue
        alternatives, written = _alternatives(word)
        if alternatives:
            fixed.append(replace(word, alternatives=alternatives))
            shown.append(written.casefold())
            changed = True
        else:
            fixed.append(word)
            shown.append(word.raw)
    return Plan(tuple(fixed), " ".join(shown) if changed else "")


def matching_ids(text: str, among: Sequence[int] | None = None) -> list[int] | None:
    """Ids of initiatives (any status, or only those ``among`` the given ids) whose documents match
    ``text``; None for text without words."""
    found = plan(text)
    if found is None:
        return None
    return list(_match(found.words, among, scores=False))


def relevance(text: str) -> dict[int, float]:
    """Initiative id -> relevance score for every initiative matching ``text`` (empty without words)."""
    found = plan(text)
    return {} if found is None else _match(found.words, None, scores=True)


def suggestion(text: str) -> str:
    """A better query when ``text`` finds few initiatives: the fallback's correction, or the closest
    catalogue word for each word that matches nothing on its own; "" when there is none."""
    found = plan(text)
    if found is None:
        return ""
    if found.corrected:
        return found.corrected
    shown, changed = [], False
    for word in found.words:
        if len(word.folded) >= MIN_SUBSTRING:
            alternatives, written = _alternatives(word)
            # a close word that finds more initiatives than the typed one (which may be a rare typo)
            if written and len(_match([Word(alternatives[0], alternatives[0])], None, scores=False)) > len(
                    _match([word], None, scores=False)):
                shown.append(written.casefold())
                changed = True
                continue
        shown.append(word.raw)
    return " ".join(shown) if changed else ""


def highlight_terms(text: str) -> tuple[str, ...]:
    """Folded forms to mark in results (the words searched for, their stems and fallback words)."""
    found = plan(text)
    if found is None:
        return ()
    terms: list[str] = []
    for word in found.words:
        for form in word.forms:
            terms += [form, stem(form)] if stem(form) else [form]
    return tuple(dict.fromkeys(t for t in terms if len(t) >= MIN_SUBSTRING))


def filter_by_text(queryset, text: str):  # type: ignore[no-untyped-def]
    """Restrict an Initiative queryset to those matching ``text`` (unchanged for text without words)."""
    found = plan(text)
    if found is None:
        return queryset
    if connection.vendor == "sqlite":
        return queryset.filter(pk__in=sorted(_sqlite_ids(found.words, None)))
    return queryset.filter(pk__in=InitiativeSearch.objects.filter(_pg_condition(found.words)).values("initiative_id"))
