"""Walk the whole URL conf and build a concrete URL for every pattern.

Used by the deny-by-default walk, the mandatory-TOTP walk and the cross-site 404 matrix,
so that every URL that a later issue adds is tested without anyone editing those tests.
"""

import re
import uuid
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RoutePattern

DUMMY_UUID = str(uuid.UUID(int=0x5EC))
# Tried in order for each captured argument; the first that the argument's regex accepts wins.
CANDIDATES = ("1", "x", DUMMY_UUID, "x-1", "x/1")
ROUTE_ARG = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")
REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<regex>[^()]*)\)")
REGEX_META = re.compile(r"\\(.)")


@dataclass(frozen=True)
class Route:
    name: str  # namespaced URL name, or "" for unnamed patterns
    path: str  # a concrete path built with dummy arguments
    callback: object
    kwargs: tuple[str, ...]  # the names of the captured arguments
    # captured argument -> its path converter's class name ("IdConverter", "IntConverter"…;
    # "" for a regex group)
    converters: tuple[tuple[str, str], ...] = ()

    @property
    def label(self) -> str:
        return self.name or self.path

    def path_with(self, **values) -> str:
        """Rebuild this route's path with real values for some arguments (e.g. ``pk``)."""
        from django.urls import reverse

        kwargs = dict(resolve(self.path).kwargs)
        kwargs.update({key: str(value) for key, value in values.items()})
        return reverse(self.name, kwargs=kwargs)


def _candidate(regex: str) -> str:
    for value in CANDIDATES:
        if re.fullmatch(regex, value):
            return value
    # An alternation of literals such as "auth|account|mfa": take the first one.
    first = regex.split("|")[0].strip("()")
    if re.fullmatch(regex, first):
        return first
    raise ValueError(f"No dummy value matches the URL argument regex {regex!r}")


def _fill(pattern) -> tuple[str, list[tuple[str, str]]]:
    """The concrete text of one pattern piece, and the arguments it captures (with the
    class name of each one's converter)."""
    names: list[tuple[str, str]] = []
    if isinstance(pattern, RoutePattern):

        def route_arg(match):
            name = match["name"]
            converter = pattern.converters[name]
            names.append((name, type(converter).__name__))
            return _candidate(converter.regex)

        return ROUTE_ARG.sub(route_arg, str(pattern)), names

    text = str(pattern).removeprefix("^").removesuffix("$")

    def regex_group(match):
        names.append((match["name"], ""))
        return _candidate(match["regex"])

    text = REGEX_GROUP.sub(regex_group, text)
    return REGEX_META.sub(r"\1", text), names


def _walk(patterns, prefix, namespace, captured):
    for entry in patterns:
        piece, names = _fill(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, prefix + piece, inner, captured + names)
        elif isinstance(entry, URLPattern):
            name = ""
            if entry.name:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
            arguments = captured + names
            yield Route(
                name=name,
                path="/" + prefix + piece,
                callback=entry.callback,
                kwargs=tuple(argument for argument, _ in arguments),
                converters=tuple(arguments),
            )


def all_routes(urlconf=None) -> list[Route]:
    """Every URL pattern of the project (or of ``urlconf``), with a concrete path that
    resolves back to it."""
    routes = []
    for route in _walk(get_resolver(urlconf).url_patterns, "", None, []):
        match = resolve(route.path, urlconf)
        if match.func is not route.callback:
            raise AssertionError(
                f"The dummy path {route.path} built for {route.label} resolves to "
                f"{match.view_name}: teach tests/core/urlconf.py a better dummy value."
            )
        routes.append(route)
    return routes


def view_attribute(callback, attribute: str):
    """An attribute set by a decorator, looking through wrappers that do not copy it."""
    seen = set()
    while callback is not None and id(callback) not in seen:
        seen.add(id(callback))
        if hasattr(callback, attribute):
            return getattr(callback, attribute)
        view_class = getattr(callback, "view_class", None)
        if view_class is not None and hasattr(view_class, attribute):
            return getattr(view_class, attribute)
        callback = getattr(callback, "__wrapped__", None)
    return None
