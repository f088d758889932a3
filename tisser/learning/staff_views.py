"""The helper's pages (« Modules »), under /espace-pro/modules/ (namespace ``modules``).

The catalogue and a staff preview of a module's steps (nothing saved); from the person's
file, the modules given and the follow-up (started, finished, time, failed steps), a
printed sheet with the learner card's code for people without e-mail, a reminder by SMS
(nudges.py); groups of people of
a site, their modules and who is stuck. Network admins and the site team of the file or
group (managers, mediators, volunteers); another site's file or group is a 404. Reads and
writes of a person's data are journaled (journal_labels.py).
"""

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tisser.accounts.enums import Role
from tisser.accounts.models import Site
from tisser.beneficiaries.models import Beneficiary
from tisser.core.access import require_roles, scoped_object
from tisser.core.dates import format_day
from tisser.core.errors import DomainError
from tisser.core.journal import record, record_page_read
from tisser.core.pdf import pdf_response
from tisser.core.views_helpers import paginate
from tisser.diagnostics import framework
from tisser.diagnostics.models import Diagnostic
from tisser.exercises.enums import ItemType
from tisser.learners import codes, links
from tisser.learners import selectors as card_selectors
from tisser.learners.services import CARD_ROLES, card_record_handover
from tisser.learning import assignments, content, follow_up, nudges, selectors
from tisser.learning.enums import DeviceFit, StepKind
from tisser.learning.forms import AssignForm, GroupForm, MemberForm, WithdrawForm
from tisser.learning.models import LearnerGroup
from tisser.notifications.models import Channel

STAFF_ROLES = assignments.STAFF_ROLES
ITEM_TYPES = dict(ItemType.choices)


def _file_view(view):
    return require_roles(*STAFF_ROLES)(scoped_object(Beneficiary)(view))


def _group_view(view):
    return require_roles(*STAFF_ROLES)(scoped_object(LearnerGroup)(view))


def _catalogue_rows():
    labels = framework.domain_labels()
    return [
        {
            "module": row,
            "domain": labels.get(row.domain, row.domain),
            "device": DeviceFit(row.device).label,
        }
        for row in content.modules()
    ]


# --- the catalogue and the preview ----------------------------------------------------------


@require_roles(*STAFF_ROLES)
@require_http_methods(["GET"])
def catalogue(request):
    """Every module: title, domain, level, minutes, device; a module opens its preview."""
    return render(
        request,
        "learning/staff/catalogue.html",
        {"page": paginate(request, _catalogue_rows())},
    )


@require_roles(*STAFF_ROLES)
@require_http_methods(["GET"])
def preview(request, key):
    """A module's steps as they come, for the team to know it (nothing saved)."""
    module = content.module(key)
    if module is None:
        raise Http404
    steps = []
    for number, step in enumerate(module.steps, start=1):
        item_type = step.item.type if step.item is not None else ""
        steps.append(
            {
                "number": number,
                "step": step,
                "kind": StepKind(step.kind).label,
                "item_type": ITEM_TYPES.get(item_type, item_type),
            }
        )
    return render(
        request,
        "learning/staff/preview.html",
        {
            "module": module,
            "domain": framework.domain_labels().get(module.domain, module.domain),
            "device": DeviceFit(module.device).label,
            "steps": steps,
            "prerequisites": [content.module(key) or key for key in module.prerequisites],
        },
    )


# --- the person's modules -------------------------------------------------------------------


def _usable_card(request, beneficiary):
    """The person's card if this member may hand it over and it still works, else None."""
    membership = request.membership
    if membership.role not in CARD_ROLES or membership.organisation_id != beneficiary.site_id:
        return None
    card = card_selectors.current_card(membership=membership, beneficiary=beneficiary)
    return card if card is not None and card.is_usable() else None


@_file_view
@require_http_methods(["GET"])
def person(request, obj):
    """The person's modules: given (with the group if any), started, finished, time spent,
    steps failed, last activity; give more, withdraw one, print the sheet."""
    lines = follow_up.person_modules(membership=request.membership, beneficiary=obj)
    record_page_read(request, action="learning.file_viewed", obj=obj, site=obj.site_id)
    given = {line.key for line in lines if line.assignment}
    form = AssignForm()
    form.fields["modules"].choices = [
        choice for choice in form.fields["modules"].choices if choice[0] not in given
    ]
    return render(
        request,
        "learning/staff/person.html",
        {
            "beneficiary": obj,
            "lines": lines,
            "last_activity": follow_up.last_activity(lines),
            "form": form,
            "card_roles": request.membership.role in CARD_ROLES,
            "last_nudge": nudges.last_nudge(obj),
            "nudge_after_days": nudges.nudge_after_days(obj.site.network_id),
        },
    )


@require_POST
@_file_view
def person_nudge(request, obj):
    """« Envoyer un rappel par SMS »: the job's message, by hand, at most one per week."""
    try:
        notification = nudges.module_nudge_send(actor=request.membership, beneficiary=obj)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if notification.channel == Channel.SMS:
            messages.success(request, _("Rappel envoyé par SMS : il part dans un instant."))
        else:
            messages.success(
                request,
                _("Rappel envoyé par e-mail (son moyen de contact) : il part dans un instant."),
            )
    return redirect("modules:person", pk=obj.pk)


@require_POST
@_file_view
def person_assign(request, obj):
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez au moins un module de la liste."))
        return redirect("modules:person", pk=obj.pk)
    try:
        created = assignments.module_assign(
            actor=request.membership, beneficiary=obj, module_keys=form.cleaned_data["modules"]
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if created:
            messages.success(request, _("Modules donnés : la personne les voit sur son parcours."))
        else:
            messages.info(request, _("Ces modules étaient déjà donnés à la personne."))
    return redirect("modules:person", pk=obj.pk)


@require_POST
@require_roles(*STAFF_ROLES)
@scoped_object(Diagnostic)
def diagnostic_assign(request, obj):
    """« Donner ces modules » from a diagnostic's results page: gives the modules listed
    there that the path's rule still suggests (``selectors.diagnostic_suggestions``), then
    back to the results."""
    back = redirect("diagnostics:results", pk=obj.pk)
    if not obj.is_finished:
        return back  # the results page explains it
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez au moins un module de la liste."))
        return back
    suggested = {row.key for row in selectors.diagnostic_suggestions(diagnostic=obj).modules}
    keys = [key for key in form.cleaned_data["modules"] if key in suggested]
    if not keys:
        messages.error(
            request, _("Ces modules ne sont plus conseillés pour ce diagnostic : relisez la page.")
        )
        return back
    try:
        created = assignments.module_assign(
            actor=request.membership, beneficiary=obj.beneficiary, module_keys=keys
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if created:
            messages.success(
                request, _("Modules donnés : la personne les voit dans « Mon parcours ».")
            )
        else:
            messages.info(request, _("Ces modules étaient déjà donnés à la personne."))
    return back


@require_POST
@_file_view
def person_withdraw(request, obj):
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez le module à retirer."))
        return redirect("modules:person", pk=obj.pk)
    try:
        assignments.module_withdraw(
            actor=request.membership, beneficiary=obj, module_key=form.cleaned_data["module"]
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Module retiré du parcours ; ce qui était fait reste."))
    return redirect("modules:person", pk=obj.pk)


@_file_view
@require_http_methods(["GET"])
def person_sheet(request, obj):
    """One page for the person: their modules and, from the site team, their card's code."""
    lines = [
        line
        for line in follow_up.person_modules(membership=request.membership, beneficiary=obj)
        if line.assignment and line.module
    ]
    card = _usable_card(request, obj)
    facts = {}
    if card is not None:
        card_record_handover(actor=request.membership, card=card, how="printed")
        facts = {
            "code_groups": codes.groups(card.code),
            "qr": links.qr_data_uri(links.card_url(card), scale=4),
            "expires_on": format_day(card.expires_at),
        }
    with transaction.atomic():
        record(
            actor=request.user,
            action="learning.sheet_printed",
            obj=obj,
            site=obj.site_id,
            payload={"modules": [line.key for line in lines], "with_card": card is not None},
        )
    site = Site.objects.filter(pk=obj.site_id).first()
    return pdf_response(
        "learning/pdf/sheet.html",
        {
            "first_name": obj.first_name,
            "lines": lines,
            "site": site,
            "sign_in_url": links.sign_in_url(),
            **facts,
        },
        request=request,
        filename=f"modules-{obj.file_number}.pdf",
    )


# --- groups ---------------------------------------------------------------------------------


def _creatable_sites(membership):
    if membership.role != Role.NETWORK_ADMIN:
        return ()
    return list(Site.objects.visible_to(membership).order_by("name"))


@require_roles(*STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def group_list(request):
    """The groups of the member's site (of the network for an admin); form a new one."""
    sites = _creatable_sites(request.membership)
    form = GroupForm(request.POST or None, sites=sites)
    if request.method == "POST" and form.is_valid():
        site = None
        if sites:
            site = next((s for s in sites if s.pk == form.cleaned_data["site"]), None)
        try:
            group = assignments.group_create(
                actor=request.membership, name=form.cleaned_data["name"], site=site
            )
        except DomainError as error:
            form.add_error("name", error.message)
        else:
            messages.success(request, _("Groupe créé : ajoutez-y des personnes."))
            return redirect("modules:group", pk=group.pk)
    groups = follow_up.group_list(membership=request.membership).select_related("site")
    page = paginate(request, groups, count_from=LearnerGroup.objects.visible_to(request.membership))
    return render(request, "learning/staff/groups.html", {"page": page, "form": form})


@_group_view
@require_http_methods(["GET"])
def group(request, obj):
    """The group: its modules, its members and who is stuck, the steps failed most; add a
    person (search by name or file number), give modules to all."""
    keys = follow_up.group_modules(obj)
    members = follow_up.group_members(membership=request.membership, group=obj, keys=keys)
    page = paginate(request, members, count_from=obj.members.all())
    query = request.GET.get("q", "")
    candidates = follow_up.member_candidates(membership=request.membership, group=obj, query=query)
    record_page_read(request, action="learning.group_viewed", obj=obj, site=obj.site_id)
    form = AssignForm()
    form.fields["modules"].choices = [
        choice for choice in form.fields["modules"].choices if choice[0] not in keys
    ]
    return render(
        request,
        "learning/staff/group.html",
        {
            "group": obj,
            "modules": [content.module(key) or key for key in keys],
            "page": page,
            "query": query,
            "candidates": candidates,
            "searched": len(query.strip()) >= 2,
            "failing": follow_up.group_failing_steps(
                membership=request.membership, group=obj, keys=keys
            ),
            "form": form,
            "stuck_days": follow_up.STUCK_AFTER.days,
        },
    )


def _member_id(request, obj):
    form = MemberForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez une personne de la liste."))
        return None
    return form.cleaned_data["beneficiary"]


@require_POST
@_group_view
def group_member_add(request, obj):
    beneficiary_id = _member_id(request, obj)
    if beneficiary_id is not None:
        try:
            person = assignments.group_member_add(
                actor=request.membership, group=obj, beneficiary_id=beneficiary_id
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("%(name)s est dans le groupe.") % {"name": person.first_name}
            )
    return redirect("modules:group", pk=obj.pk)


@require_POST
@_group_view
def group_member_remove(request, obj):
    beneficiary_id = _member_id(request, obj)
    if beneficiary_id is not None:
        try:
            assignments.group_member_remove(
                actor=request.membership, group=obj, beneficiary_id=beneficiary_id
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Personne retirée du groupe ; ses modules restent sur son parcours.")
            )
    return redirect("modules:group", pk=obj.pk)


@require_POST
@_group_view
def group_assign(request, obj):
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez au moins un module de la liste."))
        return redirect("modules:group", pk=obj.pk)
    try:
        created = assignments.group_assign(
            actor=request.membership, group=obj, module_keys=form.cleaned_data["modules"]
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Modules donnés au groupe (%(count)s ajouts sur les parcours).")
            % {"count": len(created)},
        )
    return redirect("modules:group", pk=obj.pk)
