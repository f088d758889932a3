"""A polite crawler for the crawl test: GET only, same site, a page budget, and what a
French reader would notice on each page (English dates, "0 dossiers", a server error)."""

import re
import time
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

# Links a crawler must not follow: signing out, Django's admin, files that are not pages.
SKIPPED_PREFIXES = ("/admin/", "/compte/logout/", "/compte/deconnexion/", "/static/", "/media/")
# Words that would mean a destructive GET if a link ever carried one (they are POST forms).
SKIPPED_WORDS = ("logout", "deconnexion", "supprimer", "delete")

ENGLISH_DATE = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|ago"
    r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
    # "Mon" is also French ("Mon compte"): an English day only right before a date.
    r"|(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\.?,?\s+\d)\b"
)
# Django's ``timesince`` ("il y a 2\xa0semaines", "2\xa0jours, 3\xa0heures"): its no-break
# space between number and unit is its fingerprint. We write "il y a 5 min", "hier à 14 h";
# a duration ("30 minutes sans activité") is plain French.
TIMESINCE = re.compile(
    r"\d\xa0(?:ans?|années?|mois|semaines?|jours?|heures?|minutes?)\b"
    r"|\d+\s+(?:ans?|années?|mois|semaines?|jours?|heures?),\s+\d+\s+"
    r"(?:mois|semaines?|jours?|heures?|minutes?)\b"
)
# French nouns that end in -s or -x in the singular too ("1 mois" is right), and the month
# of "1 mars" (a date, or a chart's value followed by its next row's month).
INVARIABLE = {
    "mars", "mois", "fois", "prix", "cas", "temps", "choix", "accès", "avis", "pays", "repas",
    "cours", "parcours", "secours", "concours", "succès", "taux", "poids", "heureux",
}  # fmt: skip
WRONG_PLURAL = re.compile(r"(?<![\d\w,.])([01])\s+([a-zàâçéèêëîïôûùüÿœ’']+[sx])\b")


class _PageReader(HTMLParser):
    """The visible text and the links of a page."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.text: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.text.append(data)


def french_problems(text: str) -> list[str]:
    """What a French reader would stumble on in a page's visible text."""
    problems = [f"English date word {m.group(0)!r}" for m in ENGLISH_DATE.finditer(text)]
    problems += [f"timesince-style age {m.group(0)!r}" for m in TIMESINCE.finditer(text)]
    for match in WRONG_PLURAL.finditer(text):
        if match.group(2).lower() not in INVARIABLE:
            problems.append(f"plural after {match.group(1)}: {match.group(0)!r}")
    return problems


def all_url_names(resolver=None, namespace="") -> set[str]:
    """Every named URL pattern of the site (``app:name``)."""
    resolver = resolver or get_resolver()
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= all_url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def url_name(path: str) -> str | None:
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


@dataclass
class CrawlReport:
    pages: int = 0
    seconds: float = 0.0
    visited_names: set[str] = field(default_factory=set)
    linked_names: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)
    # The first page seen of each URL pattern that answered with HTML: one per template.
    first_page_of: dict[str, str] = field(default_factory=dict)

    @property
    def reachable_but_not_visited(self) -> set[str]:
        return self.linked_names - self.visited_names


def crawl(client, start: list[str], *, budget: int = 120, per_pattern: int = 3) -> CrawlReport:
    """Visit up to ``budget`` pages from ``start``; unseen URL patterns go first, and a
    pattern is visited at most ``per_pattern`` times (pages of a list, other records)."""
    report = CrawlReport()
    began = time.perf_counter()
    fresh, again = deque(start), deque()
    queued = set(start)
    visits_per_name: dict[str, int] = {}
    while (fresh or again) and report.pages < budget:
        from_fresh = bool(fresh)
        path = fresh.popleft() if fresh else again.popleft()
        name = url_name(urlsplit(path).path) or path
        if visits_per_name.get(name, 0) >= per_pattern:
            continue
        if from_fresh and name in visits_per_name:
            # Its pattern was opened since the link was found: every pattern first.
            again.append(path)
            continue
        visits_per_name[name] = visits_per_name.get(name, 0) + 1
        report.pages += 1
        report.visited_names.add(name)
        try:
            response = client.get(path)
        except Exception as error:  # a server error: the test client re-raises it
            report.problems.append(f"{path}: server error {error!r}")
            continue
        if response.status_code >= 500:
            report.problems.append(f"{path}: status {response.status_code}")
            continue
        if response.status_code in (301, 302, 303, 307, 308):
            links = [response["Location"]]
        elif "text/html" in response.get("Content-Type", ""):
            report.first_page_of.setdefault(name, path)
            reader = _PageReader()
            reader.feed(response.content.decode())
            for problem in dict.fromkeys(french_problems(" ".join(reader.text))):
                report.problems.append(f"{path}: {problem}")
            links = reader.links
        else:
            continue
        for link in links:
            target = _same_site_path(path, link)
            if not target or target in queued:
                continue
            queued.add(target)
            target_name = url_name(urlsplit(target).path)
            if target_name:
                report.linked_names.add(target_name)
            (again if target_name in report.visited_names else fresh).append(target)
    report.seconds = time.perf_counter() - began
    return report


def _same_site_path(current: str, link: str) -> str | None:
    absolute = urldefrag(urljoin(f"http://testserver{current}", link)).url
    parts = urlsplit(absolute)
    if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if path.startswith(SKIPPED_PREFIXES) or any(word in path for word in SKIPPED_WORDS):
        return None
    return path
