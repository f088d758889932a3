"""Small building blocks of the staff pages, so that every list and form page behaves alike.

The views stay thin and explicit: each one still names its permission, its service call,
its success message and where it goes next; these helpers only hold the steps that would
otherwise be written out the same way in every app.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy

from tisser.core.errors import DomainError

# House rule: every list is paginated, 25 rows per page: a screenful or two on a small phone,
# a light page on a slow connection (docs/decisions/0018-signed-in-page-cost.md).
PAGE_SIZE = 25
FORM_HAS_ERRORS = gettext_lazy("Le formulaire contient des erreurs : corrigez les champs signalés.")


class CountingPaginator(Paginator):
    """A paginator that counts another queryset than the one it pages: the same rows without
    what only the page needs (name columns joined, prefetches), so the count does not go
    through the joins of the displayed columns."""

    def __init__(self, object_list, per_page, *, count_from):
        super().__init__(object_list, per_page)
        self.count_from = count_from

    @cached_property
    def count(self) -> int:
        return self.count_from.count()


def is_first_page(page_number) -> bool:
    """Whether ``Paginator.get_page(page_number)`` gives the first page whatever the count:
    no number, a wrong one, or 1 (a number out of range, 0 included, gives the last page,
    which needs the count)."""
    if isinstance(page_number, float):
        return page_number == 1
    try:
        return int(page_number) == 1
    except (TypeError, ValueError):
        return True


def counted_page(rows: list, count: int) -> Page:
    """The first page of a list whose first rows and count were read already."""
    paginator = Paginator(rows, PAGE_SIZE)
    paginator.__dict__["count"] = count  # counted: the paginator does not count ``rows``
    return paginator.page(1)


def paginate(request, queryset, *, count_from=None, param: str = "page") -> Page:
    """The page asked for in ``?page=`` (or ``param``, for a second list on the page); a
    missing or wrong number gives the first or last.

    ``count_from``: the same rows as ``queryset``, leaner, for the count (``CountingPaginator``).
    """
    if count_from is None:
        paginator = Paginator(queryset, PAGE_SIZE)
    else:
        paginator = CountingPaginator(queryset, PAGE_SIZE, count_from=count_from)
    return paginator.get_page(request.GET.get(param))


def render_list(
    request, template: str, queryset, *, filters=None, extra_context=None
) -> HttpResponse:
    """A paginated list page, narrowed first by an optional filter form (``filters.filter``)."""
    context = dict(extra_context or {})
    if filters is not None:
        queryset = filters.filter(queryset)
        context["filters"] = filters
    context["page"] = paginate(request, queryset)
    return render(request, template, context)


@dataclass(frozen=True)
class Submission:
    """What became of a form page's POST: whether the service call went through, and what
    it returned (the new object, the changed fields…)."""

    succeeded: bool
    result: Any = None


def submit_forms(request, *bound_forms: forms.BaseForm, action: Callable[[], Any]) -> Submission:
    """Run ``action`` (one service call) on a POST whose forms are all valid.

    A refusal (``DomainError``) lands on the first form as a non-field error, and nothing
    was changed. Whenever the page is shown again after a POST, a banner says that the
    form needs corrections. On success the caller says so and redirects.
    """
    if request.method != "POST":
        return Submission(succeeded=False)
    if all(form.is_valid() for form in bound_forms):
        try:
            result = action()
        except DomainError as error:
            bound_forms[0].add_error(None, error.message)
        else:
            return Submission(succeeded=True, result=result)
    messages.error(request, FORM_HAS_ERRORS)
    return Submission(succeeded=False)


def confirm_page(
    request,
    *,
    action: Callable[[], Any],
    template: str,
    context: dict,
    success_message: str,
    success_url: str,
) -> HttpResponse:
    """A page that asks to confirm one action: the POST runs it (one service call).

    Done: a success message and a redirect to ``success_url`` (a URL or a URL name).
    Refused: the same page again with the French reason as ``error``, answered with
    status 400 so that HTMX and tests see the refusal.
    """
    error = None
    if request.method == "POST":
        try:
            action()
        except DomainError as refused:
            error = refused.message
        else:
            messages.success(request, success_message)
            return redirect(success_url)
    return render(request, template, {**context, "error": error}, status=400 if error else 200)
