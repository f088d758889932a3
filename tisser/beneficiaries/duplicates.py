"""Finding files that may belong to the same person, before a new file is created.

Candidates come from the database in ONE query that only uses indexed conditions, so it
stays fast with hundreds of thousands of files:

- the same phone number (index on ``phone``), or
- a compatible year of birth (equal, or unknown on either side) AND a name whose stored key
  starts like one of the typed words (two first letters, a range on the ``search_key``
  index: covers accents, case, hyphens, first and last names swapped, and a typo after the
  second letter), or the exact first name in the same birth year (a typo at the start of
  the last name).

Each candidate is then scored with rapidfuzz on the normalised names. Two people who share
a name but not a year of birth (both known) are never candidates, unless they share a
phone number too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from tisser.accounts.models import Membership, Site
from tisser.beneficiaries.models import Beneficiary
from tisser.core.names import normalize_name
from tisser.core.phones import normalize_phone

# Name similarity (0-100) from which a file is shown as a possible duplicate.
NAME_THRESHOLD = 85
# With the same phone number, a looser name match is enough (a misspelt or shortened name).
PHONE_NAME_THRESHOLD = 60
PREFIX_LENGTH = 2
# At most this many rows are scored; the indexed conditions keep the real number far lower.
MAX_ROWS = 500


@dataclass
class Candidate:
    beneficiary: Beneficiary
    score: int
    reasons: list[str] = field(default_factory=list)


def prefix_range(prefix: str) -> Q:
    """``search_key`` starts with ``prefix``, written as a range so any B-tree index serves it
    (``LIKE 'ab%'`` only uses an index under the C collation on PostgreSQL)."""
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return Q(search_key__gte=prefix, search_key__lt=upper)


def _phone_or_blank(phone: str) -> str:
    try:
        return normalize_phone(phone or "")
    except ValidationError:
        return ""


def _compact(text: str) -> str:
    """Normalised, without spaces: "Le-Gall", "le gall" and "Legall" all give "legall"."""
    return normalize_name(text).replace(" ", "")


def _pair_scores(first_a: str, last_a: str, first_b: str, last_b: str) -> tuple[float, float]:
    """Mean similarity of first and last names, as typed and with one side swapped."""
    fa, la, fb, lb = (_compact(x) for x in (first_a, last_a, first_b, last_b))
    straight = (fuzz.ratio(fa, fb) + fuzz.ratio(la, lb)) / 2
    swapped = (fuzz.ratio(fa, lb) + fuzz.ratio(la, fb)) / 2
    return straight, swapped


def name_similarity(first_a: str, last_a: str, first_b: str, last_b: str) -> int:
    """0-100: how alike two people's names are, whatever their order, accents or hyphens.

    First names are compared with first names and last names with last names (or crosswise
    when they were swapped), so "Marie Martin" and "Marc Martin" stay apart.
    """
    if not _compact(first_a + last_a) or not _compact(first_b + last_b):
        return 0
    return round(max(_pair_scores(first_a, last_a, first_b, last_b)))


def _were_swapped(first_a: str, last_a: str, first_b: str, last_b: str) -> bool:
    straight, swapped = _pair_scores(first_a, last_a, first_b, last_b)
    return swapped > straight


def _contains_word_start(prefix: str) -> Q:
    return Q(search_key__contains=" " + prefix)


def candidate_query(*, first_name: str, last_name: str, birth_year: int | None, phone: str) -> Q:
    """The indexed conditions that narrow the files to score (see the module docstring).

    Written as an OR of terms that each start with an indexed condition (phone; birth year
    and key range; key range), so the database combines index scans instead of reading
    the table. Without a common birth year, both names must start alike (first two
    letters), in either order.
    """
    condition = Q(pk__in=[])
    if phone:
        condition |= Q(phone=phone)
    last = normalize_name(last_name).split()
    first = normalize_name(first_name).split()
    if not last and not first:
        return condition
    last_prefix = (last or first)[0][:PREFIX_LENGTH]
    first_prefix = (first or last)[0][:PREFIX_LENGTH]
    both_names = (prefix_range(last_prefix) & _contains_word_start(first_prefix)) | (
        prefix_range(first_prefix) & _contains_word_start(last_prefix)
    )
    if birth_year:
        condition |= Q(birth_year=birth_year) & (
            prefix_range(last_prefix) | prefix_range(first_prefix)
        )
        if first:
            # A typo in the first letters of the last name: same birth year, same first name.
            condition |= Q(birth_year=birth_year, search_key__endswith=" " + first[-1])
        condition |= Q(birth_year__isnull=True) & both_names
    else:
        condition |= both_names
    return condition


def find_duplicates(
    *,
    membership: Membership,
    first_name: str,
    last_name: str,
    birth_year: int | None,
    phone: str,
    site_network,
    home_site_id: int | None = None,
    exclude_pk: int | None = None,
    limit: int = 5,
) -> list[Candidate]:
    """Files of the same network that ``membership`` may see and that may be the same
    person, best first (two queries).

    The files are scoped to the member's sites *before* they are ranked and cut to
    ``limit``: another site's best matches can never push the member's own file out.
    Among equal scores, files of ``home_site_id`` (the site where the person is being
    received) come first.
    """
    phone = _phone_or_blank(phone)
    birth_year = birth_year or None
    condition = candidate_query(
        first_name=first_name, last_name=last_name, birth_year=birth_year, phone=phone
    )
    network_id = getattr(site_network, "pk", site_network)
    # The sites are resolved first (a tiny query): a join would lead the planner to read
    # every file of the network instead of combining the indexed conditions.
    site_ids = list(
        Site.objects.filter(network_id=network_id)
        .visible_to(membership)
        .values_list("pk", flat=True)
    )
    rows = (
        Beneficiary.objects.active()
        .filter(condition, site_id__in=site_ids)
        .select_related("site")
        .order_by("pk")
    )
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)

    candidates = []
    for beneficiary in rows[:MAX_ROWS]:
        same_phone = bool(phone) and beneficiary.phone == phone
        years_known = birth_year is not None and beneficiary.birth_year is not None
        if years_known and beneficiary.birth_year != birth_year and not same_phone:
            continue
        score = name_similarity(
            first_name, last_name, beneficiary.first_name, beneficiary.last_name
        )
        if score < (PHONE_NAME_THRESHOLD if same_phone else NAME_THRESHOLD):
            continue
        reasons = []
        if score == 100:
            reasons.append(_("même nom et prénom"))
        else:
            reasons.append(_("nom et prénom proches"))
        if _were_swapped(first_name, last_name, beneficiary.first_name, beneficiary.last_name):
            reasons.append(_("prénom et nom inversés"))
        if years_known and beneficiary.birth_year == birth_year:
            reasons.append(_("même année de naissance"))
            score += 10
        if same_phone:
            reasons.append(_("même numéro de téléphone"))
            score += 20
        candidates.append(
            Candidate(beneficiary=beneficiary, score=min(score, 130), reasons=reasons)
        )
    candidates.sort(
        key=lambda candidate: (
            -candidate.score,
            candidate.beneficiary.site_id != home_site_id,
            candidate.beneficiary.pk,
        )
    )
    return candidates[:limit]


def duplicates_of(
    beneficiary: Beneficiary, *, membership: Membership, limit: int = 5
) -> list[Candidate]:
    """Possible duplicates of an existing file (used by the merge page)."""
    return find_duplicates(
        membership=membership,
        first_name=beneficiary.first_name,
        last_name=beneficiary.last_name,
        birth_year=beneficiary.birth_year,
        phone=beneficiary.phone,
        site_network=beneficiary.site.network_id,
        home_site_id=beneficiary.site_id,
        exclude_pk=beneficiary.pk,
        limit=limit,
    )


def duplicates_for_referral(referral, *, membership: Membership, limit: int = 5) -> list[Candidate]:
    """Files that may already belong to the person of a referral (shown when it arrives)."""
    return find_duplicates(
        membership=membership,
        first_name=referral.first_name,
        last_name=referral.last_name,
        birth_year=referral.birth_year,
        phone=referral.phone,
        site_network=referral.site.network_id,
        home_site_id=referral.site_id,
        limit=limit,
    )
