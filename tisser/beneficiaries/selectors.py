"""Reads of people's files, always scoped by the acting membership.

The search understands three kinds of query:

- a phone number typed in any usual way (normalised to E.164, then an indexed equality);
- a file number such as ``STR-000042`` (also ``str 42``): an indexed equality;
- a name: every typed word must start a word of the normalised ``search_key`` (accents,
  case and hyphens do not matter). When that finds less than a page, files whose name is
  close (one typo) are added after them: on PostgreSQL from the trigram index
  (``pg_trgm``, word similarity), elsewhere from an indexed two-letter prefix; both sets are
  bounded and re-ranked with rapidfuzz.

Whatever the number of files or the page size, a search runs a constant number of queries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import BooleanField, F, FloatField, Func, Prefetch, Q, QuerySet, Value
from django.db.models.functions import StrIndex
from django.db.models.lookups import GreaterThan
from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from tisser.accounts.enums import ROLES_BY_KIND, OrganisationKind
from tisser.beneficiaries.duplicates import prefix_range
from tisser.beneficiaries.models import (
    AccompanimentPeriod,
    Beneficiary,
    Consent,
    FileNote,
    HouseholdMember,
)
from tisser.core.fixed_queries import DEFAULT_DB_ALIAS, FixedQuery
from tisser.core.names import normalize_name
from tisser.core.phones import normalize_phone
from tisser.core.views_helpers import PAGE_SIZE, is_first_page

MAX_QUERY_WORDS = 5
# Close-name search: at most this many rows are read and re-ranked.
FUZZY_ROWS_POSTGRES = 500
FUZZY_ROWS_PORTABLE = 2000
FUZZY_MAX_RESULTS = 200
# rapidfuzz similarity (0-100) each typed word needs with some word of the name.
FUZZY_WORD_THRESHOLD = 75
# pg_trgm word similarity from which the trigram index offers a row (the default, 0.6, is
# too strict for one typo in a short name such as "Matrin"): set on each PostgreSQL
# connection when it opens (config.settings.base.database_config), not by the search.
TRIGRAM_WORD_THRESHOLD = settings.SEARCH_WORD_SIMILARITY_THRESHOLD

PHONE_SHAPE = re.compile(r"^\+?[\d\s.\-()/]+$")
FILE_NUMBER_SHAPES = (
    # The site code holds at least one letter, so "0612 345678" stays a phone number.
    re.compile(
        r"^(?P<code>(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]{2,10})\s*[-\s]\s*(?P<number>\d{1,7})$"
    ),
    re.compile(r"^(?P<code>[A-Za-z]{2,10})(?P<number>\d{1,7})$"),
)


@dataclass
class SearchResult:
    page: Page
    mode: str  # "all", "phone", "file_number" or "name"
    query: str
    close_matches: bool = False  # names found despite a typo are listed after exact ones
    error: str = ""  # a French hint when the query cannot be understood


class WordSimilar(Func):
    """PostgreSQL ``'query' <% search_key``: served by the GIN trigram index."""

    arg_joiner = " <%% "
    template = "(%(expressions)s)"
    output_field = BooleanField()


class WordSimilarity(Func):
    """PostgreSQL ``word_similarity(query, search_key)``, 0 to 1."""

    function = "WORD_SIMILARITY"
    output_field = FloatField()


def visible_site_ids(membership) -> list[int]:
    """The sites whose files the member sees: ``Site.objects.visible_to``, without asking the
    database for a site role, whose scope is its own site."""
    from tisser.accounts.models import Site

    if (
        membership is not None
        and membership.is_active
        and membership.role in ROLES_BY_KIND[OrganisationKind.SITE]
    ):
        return [membership.organisation_id]
    return list(Site.objects.visible_to(membership).values_list("pk", flat=True))


def _visible_files(membership) -> QuerySet[Beneficiary]:
    """The member's active files. Same scope as ``Beneficiary.objects.visible_to`` (the file
    belongs to its site), but with the site ids resolved first (one tiny query): filtering
    on ``site_id IN (...)`` lets PostgreSQL use the file indexes instead of a join that
    reads every file of the network."""
    return _files_in(visible_site_ids(membership))


def _files_in(site_ids) -> QuerySet[Beneficiary]:
    return Beneficiary.objects.active().filter(site_id__in=site_ids).select_related("site")


# What a row of the search page reads (beneficiaries/search.html), with ``site_name``.
ROW_COLUMNS = ("id", "site_id", "first_name", "last_name", "file_number", "birth_year",
               "merged_into_id")  # fmt: skip


def _as_rows(queryset: QuerySet[Beneficiary]) -> QuerySet[Beneficiary]:
    """The columns a result row shows, the site as its name: building whole files and their
    sites for each row cost more than the search (docs/decisions/0018-signed-in-page-cost.md)."""
    return queryset.select_related(None).only(*ROW_COLUMNS).annotate(site_name=F("site__name"))


# The row columns in the model's order, as ``Model.from_db`` reads them.
_ROW_ATTNAMES = tuple(
    field.attname for field in Beneficiary._meta.concrete_fields if field.attname in ROW_COLUMNS
)


def _row(values: dict) -> Beneficiary:
    """A row of ``_as_rows`` from the columns read by a fixed query: the same partial file."""
    row = Beneficiary.from_db(
        DEFAULT_DB_ALIAS, _ROW_ATTNAMES, [values[name] for name in _ROW_ATTNAMES]
    )
    row.site_name = values["site_name"]  # type: ignore[attr-defined]  # as .annotate() would
    return row


def _sites(markers: dict, count: int) -> list:
    return [markers[f"s{index}"] for index in range(count)]


def _site_values(site_ids) -> dict:
    return {f"s{index}": pk for index, pk in enumerate(site_ids)}


def _first_exact_query(shape, **markers):
    """The first page of the files whose words start with the typed ones (see
    ``_search_names``): ``t0``, ``u0``… each typed word and the end of its range."""
    words, sites = shape
    condition = Q()
    for index in range(words):
        condition &= _word_start(markers[f"t{index}"], upper=markers[f"u{index}"])
    return (
        Beneficiary.objects.active()
        .filter(site_id__in=_sites(markers, sites))
        .filter(condition)
        .order_by("search_key", "pk")
        .values(*ROW_COLUMNS, site_name=F("site__name"))[:PAGE_SIZE]
    )


def _rows_by_id_query(count, **markers):
    return Beneficiary.objects.filter(
        pk__in=[markers[f"i{index}"] for index in range(count)]
    ).values(*ROW_COLUMNS, site_name=F("site__name"))


def _trigram_query(sites, **markers):
    """PostgreSQL: (pk, search_key) of the files whose words are similar to the typed ones
    (``typed``; trigram index), the closest first, bounded. ``<%`` offers the files from
    TRIGRAM_WORD_THRESHOLD up: the connection's setting."""
    typed = markers["typed"]
    return (
        Beneficiary.objects.active()
        .filter(site_id__in=_sites(markers, sites))
        .filter(WordSimilar(Value(typed), F("search_key")))
        .annotate(similarity=WordSimilarity(Value(typed), F("search_key")))
        .order_by("-similarity", "pk")
        .values("pk", "search_key")[:FUZZY_ROWS_POSTGRES]
    )


# The name search's usual queries, compiled once per connection and shape (the number of
# typed words, of sites, of rows): building and compiling them cost Django more than
# PostgreSQL took to answer (docs/decisions/0018-signed-in-page-cost.md, fifth round).
_FIRST_EXACT = FixedQuery("beneficiaries.search_first_exact", _first_exact_query)
_TRIGRAM = FixedQuery("beneficiaries.search_trigram", _trigram_query)
_ROWS_BY_ID = FixedQuery("beneficiaries.search_rows_by_id", _rows_by_id_query)


def _paginate(queryset, page_number, *, count: int | None = None) -> Page:
    if isinstance(queryset, QuerySet):
        queryset = _as_rows(queryset)
    paginator = Paginator(queryset, PAGE_SIZE)
    if count is not None:
        paginator.__dict__["count"] = count  # already counted: do not ask the database again
    return paginator.get_page(page_number)


def _classify(query: str) -> tuple[str, str]:
    """("phone", e164) / ("bad_phone", "") / ("file_number", number) / ("name", "") / ("all", "")."""
    if not query:
        return "all", ""
    for shape in FILE_NUMBER_SHAPES:
        match = shape.match(query)
        if match:
            return "file_number", f"{match['code'].upper()}-{int(match['number']):06d}"
    if PHONE_SHAPE.match(query) and len(re.sub(r"\D", "", query)) >= 4:
        try:
            return "phone", normalize_phone(query)
        except ValidationError:
            return "bad_phone", ""
    return "name", ""


def _word_start(token: str, *, upper: str | None = None) -> Q:
    """A word of ``search_key`` starts with ``token`` (``upper``: the end of its range, for
    the fixed query's markers; ``prefix_range`` computes it)."""
    start = prefix_range(token) if upper is None else Q(search_key__gte=token, search_key__lt=upper)
    return start | Q(search_key__contains=" " + token)


class NameScorer:
    """Scores names against the typed words: 0 if a typed word matches no word of the name
    well enough, else the mean similarity. A typed word's score against a word of a name is
    100 when the word starts with it, else the best rapidfuzz ratio with the word (and, from
    four letters, with the word's start of the same length).

    The score of each (typed word, word) pair is kept for the batch: the close-name
    candidates share most of their words, and scoring them was most of the search's Python
    time (docs/decisions/0018-signed-in-page-cost.md, fifth round)."""

    def __init__(self, tokens: list[str]):
        self.tokens = tokens
        self.known: list[dict[str, int]] = [{} for _token in tokens]

    def _pair(self, index: int, typed: str, word: str) -> int:
        known = self.known[index]
        score = known.get(word)
        if score is None:
            if word.startswith(typed):
                score = 100
            else:
                ratio = fuzz.ratio(typed, word)
                if len(typed) >= 4:
                    ratio = max(ratio, fuzz.ratio(typed, word[: len(typed)]))
                score = round(ratio)
            known[word] = score
        return score

    def score(self, key: str) -> int:
        words = key.split()
        if not self.tokens:
            return 0
        total = 0
        for index, typed in enumerate(self.tokens):
            best = max((self._pair(index, typed, word) for word in words), default=0)
            if best < FUZZY_WORD_THRESHOLD:
                return 0
            total += best
        return round(total / len(self.tokens))


def name_score(tokens: list[str], key: str) -> int:
    """0 if a typed word matches no word of the name well enough, else the mean similarity."""
    return NameScorer(tokens).score(key)


def _contains(text: str) -> Q:
    """``search_key`` contains ``text``, as ``strpos`` / ``instr`` rather than ``LIKE '%…%'``:
    PostgreSQL would answer a LIKE from the trigram index, reading thousands of entries for
    a two-letter word start where the rows of one prefix are a few hundred."""
    return Q(GreaterThan(StrIndex(F("search_key"), Value(text)), 0))


def _trigram_candidates(site_ids: list[int], tokens: list[str]):
    """PostgreSQL: (pk, search_key) rows whose words are similar to the typed ones (trigram
    index), the closest first, bounded (``_trigram_query``)."""
    rows = _TRIGRAM.rows(shape=len(site_ids), typed=" ".join(tokens), **_site_values(site_ids))
    return [(row["pk"], row["search_key"]) for row in rows]


def _prefix_candidates(files: QuerySet[Beneficiary], tokens: list[str], limit: int):
    """(pk, search_key) rows whose words start with the same two letters as the typed ones
    (B-tree index on the key), bounded."""
    if len(tokens) == 1:
        near = prefix_range(tokens[0][:2])
    else:
        # Two words: both must start alike, in either order (keeps the set small).
        a, b = tokens[0][:2], tokens[1][:2]
        near = (prefix_range(a) & _contains(" " + b)) | (prefix_range(b) & _contains(" " + a))
    return files.filter(near).values_list("pk", "search_key")[:limit]


def _close_names(site_ids: list[int], tokens: list[str], *, exclude: set):
    """Ids of the files whose name is the typed one with a typo, closest first (bounded).

    On PostgreSQL the trigram index catches most typos; a swap of two letters in a short
    name ("Matrin") shares few trigrams, so when neither the exact words (``exclude``) nor
    the trigrams found anyone, the files with the same two-letter word starts are scored.
    On SQLite, the two-letter starts only.
    """
    scored: dict[int, tuple[int, str, int]] = {}
    scorer = NameScorer(tokens)

    def score(rows) -> None:
        for pk, key in rows:
            if pk in exclude or pk in scored:
                continue
            similarity = scorer.score(key)
            if similarity:
                scored[pk] = (-similarity, key, pk)

    if connection.vendor == "postgresql":
        score(_trigram_candidates(site_ids, tokens))
        if not scored and not exclude:
            score(_prefix_candidates(_files_in(site_ids), tokens, FUZZY_ROWS_POSTGRES))
    else:
        score(_prefix_candidates(_files_in(site_ids), tokens, FUZZY_ROWS_PORTABLE))
    return [pk for _score, _key, pk in sorted(scored.values())[:FUZZY_MAX_RESULTS]]


def _search_names(site_ids: list[int], query: str, page_number) -> SearchResult:
    tokens = normalize_name(query).split()[:MAX_QUERY_WORDS]
    if not tokens:
        return SearchResult(
            page=_paginate(Beneficiary.objects.none(), 1),
            mode="name",
            query=query,
            error=_("Tapez un nom, un numéro de téléphone ou un numéro de dossier."),
        )

    def exact():
        condition = Q()
        for token in tokens:
            condition &= _word_start(token)
        return _files_in(site_ids).filter(condition).order_by("search_key", "pk")

    if not site_ids:  # no site in scope: nothing to read (``IN ()`` compiles to no query)
        return SearchResult(page=_paginate([], page_number), mode="name", query=query)
    rows: dict = {}
    if is_first_page(page_number):
        # The first page's rows first: when there are fewer than a page, they are every
        # exact match, and the COUNT (then a second read of the ids) is not needed.
        words = {f"t{index}": token for index, token in enumerate(tokens)}
        ends = {f"u{index}": _range_end(token) for index, token in enumerate(tokens)}
        first = [
            _row(values)
            for values in _FIRST_EXACT.rows(
                shape=(len(tokens), len(site_ids)), **words, **ends, **_site_values(site_ids)
            )
        ]
        if len(first) == PAGE_SIZE:
            page = _paginate(first, 1, count=exact().count())
            return SearchResult(page=page, mode="name", query=query)
        rows = {row.pk: row for row in first}
        exact_ids = list(rows)
    else:
        exact_files = exact()
        count = exact_files.count()
        if count >= PAGE_SIZE:
            return SearchResult(
                page=_paginate(exact_files, page_number, count=count), mode="name", query=query
            )
        exact_ids = list(exact_files.values_list("pk", flat=True))

    close_ids = _close_names(site_ids, tokens, exclude=set(exact_ids))
    page = _paginate(exact_ids + close_ids, page_number)
    missing = [pk for pk in page.object_list if pk not in rows]
    if missing:
        ids = {f"i{index}": pk for index, pk in enumerate(missing)}
        for values in _ROWS_BY_ID.rows(shape=len(missing), **ids):
            rows[values["id"]] = _row(values)
    page.object_list = [rows[pk] for pk in page.object_list if pk in rows]
    return SearchResult(page=page, mode="name", query=query, close_matches=bool(close_ids))


def _range_end(token: str) -> str:
    """The end of ``prefix_range(token)``."""
    return token[:-1] + chr(ord(token[-1]) + 1)


def beneficiary_search(*, membership, query: str, page) -> SearchResult:
    """Files of the member's sites matching ``query``, a page at a time, in constant queries."""
    query = " ".join((query or "").split())[:100]
    site_ids = visible_site_ids(membership)
    mode, value = _classify(query)
    if mode == "name":
        return _search_names(site_ids, query, page)
    files = _files_in(site_ids)
    if mode == "all":
        ordered = files.order_by("search_key", "pk")
        return SearchResult(page=_paginate(ordered, page), mode=mode, query=query)
    if mode == "bad_phone":
        return SearchResult(
            page=_paginate(files.none(), 1),
            mode="phone",
            query=query,
            error=_("Ce numéro de téléphone n'est pas valide. Exemple : 06 12 34 56 78."),
        )
    if mode == "phone":
        matches = files.filter(phone=value).order_by("search_key", "pk")
        return SearchResult(page=_paginate(matches, page), mode=mode, query=query)
    if mode == "file_number":
        # Merged-away files keep their number: searching it leads to the file in use.
        matches = (
            Beneficiary.objects.visible_to(membership)
            .filter(file_number=value)
            .select_related("site", "merged_into")
        )
        return SearchResult(page=_paginate(matches.order_by("pk"), page), mode=mode, query=query)
    raise AssertionError(mode)


def beneficiary_detail(*, membership, pk) -> Beneficiary:
    """One file with what its page shows (raises ``Beneficiary.DoesNotExist`` out of scope)."""
    return (
        Beneficiary.objects.visible_to(membership)
        .select_related("site", "created_by", "merged_into")
        .prefetch_related(
            Prefetch("consents", queryset=Consent.objects.order_by("kind", "-given_at"))
        )
        .get(pk=pk)
    )


def merge_choices(*, membership, beneficiary: Beneficiary, file_number: str = ""):
    """Files the member may merge into ``beneficiary``: the active files of their scope."""
    files = _visible_files(membership).exclude(pk=beneficiary.pk)
    if file_number:
        return files.filter(file_number=file_number.strip().upper())
    return files


def creatable_sites(*, membership):
    """Sites where the member may open a file (their site; every network site for admins)."""
    from tisser.accounts.models import Site

    return Site.objects.visible_to(membership).active().order_by("city", "name")


def period_list(*, membership, beneficiary: Beneficiary, limit: int = PAGE_SIZE):
    """The file's periods, newest first (a person has a handful; the page shows the latest
    ``limit``). Scoped by the file: whoever may open the file sees its periods."""
    if not Beneficiary.objects.visible_to(membership).filter(pk=beneficiary.pk).exists():
        return []
    return list(
        AccompanimentPeriod.objects.filter(beneficiary=beneficiary).select_related(
            "site", "closed_by"
        )[:limit]
    )


def note_page(*, membership, beneficiary: Beneficiary, page) -> Page:
    """One page of the file's notes, newest first, with their authors (two queries)."""
    notes = FileNote.objects.visible_to(membership).filter(beneficiary=beneficiary)
    ordered = notes.select_related("author").order_by("-created_at", "-pk")
    return Paginator(ordered, PAGE_SIZE).get_page(page)


def household_members(*, membership, beneficiary: Beneficiary) -> list:
    """The other current members of the file's household, each with ``visible`` (whether this
    member may open that file: a member followed by another site is not named)."""
    link = HouseholdMember.objects.current().filter(beneficiary=beneficiary).first()
    if link is None:
        return []
    others = list(
        HouseholdMember.objects.current()
        .filter(household_id=link.household_id)
        .exclude(beneficiary=beneficiary)
        .select_related("beneficiary")
        .order_by("joined_at", "pk")
    )
    visible = set(
        Beneficiary.objects.visible_to(membership)
        .filter(pk__in=[other.beneficiary_id for other in others])
        .values_list("pk", flat=True)
    )
    for other in others:
        other.visible = other.beneficiary_id in visible
    return others
