"""The staff preview of every item (« Exercices » in the staff area).

Site teams and network admins see each item inside a phone frame, exactly as a learner
will, and may answer it: the answer is scored and explained, and never saved.
"""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from tisser.accounts.enums import Role
from tisser.core.access import require_roles
from tisser.core.views_helpers import paginate
from tisser.exercises import selectors
from tisser.exercises.content import get_item
from tisser.exercises.enums import LEVELS, ItemType
from tisser.exercises.forms import ItemFilterForm
from tisser.exercises.practice import shown_from_post
from tisser.exercises.rendering import Shown, new_attempt_key

PREVIEW_ROLES = (Role.NETWORK_ADMIN, Role.SITE_MANAGER, Role.MEDIATOR, Role.VOLUNTEER)


@require_roles(*PREVIEW_ROLES)
@require_http_methods(["GET"])
def preview_list(request):
    filters = ItemFilterForm(request.GET or None)
    item_type, level = "", None
    if filters.is_bound and filters.is_valid():
        item_type, level = filters.cleaned_data["type"], filters.cleaned_data["level"]
    page = paginate(request, selectors.item_list(item_type=item_type, level=level))
    types = dict(ItemType.choices)
    rows = [
        {"item": item, "type_label": types[item.type], "level_label": LEVELS[item.level]}
        for item in page
    ]
    return render(
        request,
        "exercises/preview_list.html",
        {"filters": filters, "page": page, "rows": rows},
    )


@require_roles(*PREVIEW_ROLES)
@require_http_methods(["GET", "POST"])
def preview_item(request, key):
    item = get_item(key)
    if item is None:
        raise Http404
    if request.method == "POST":
        shown = shown_from_post(request, item)
    else:
        shown = Shown(item=item, attempt=new_attempt_key())
    return render(
        request,
        "exercises/preview_item.html",
        {
            "shown": shown,
            "type_label": dict(ItemType.choices)[item.type],
            "level_label": LEVELS[item.level],
        },
    )
