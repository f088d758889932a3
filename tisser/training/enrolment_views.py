"""The enrolment pages of a cohort (helper E), under /espace-pro/formations/ (``training``).

- the cohort's enrolled people and its waiting list (paginated, constant queries), and its
  drop-outs;
- « Inscrire »: the site's accepted referrals whose person waits for a programme, or a file
  found by name or number; a referral's person is checked against the site's files first
  (link the existing file or create one, as when a referred person comes);
- « Abandon » with a reason; from a person's file, « Inscrire à un programme ».

Network admins and the cohort site's manager and mediators act; volunteers read the lists.
Another site's cohort, enrolment, referral or file is a 404. Reads of people's lists and
every write are journaled.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tisser.accounts.enums import Role
from tisser.beneficiaries.duplicates import duplicates_for_referral
from tisser.beneficiaries.models import Beneficiary
from tisser.core.access import require_roles, scoped_object
from tisser.core.errors import DomainError
from tisser.core.journal import record_page_read
from tisser.core.views_helpers import paginate, submit_forms
from tisser.referrals.forms import CameForm
from tisser.referrals.models import Referral
from tisser.training import enrolments, selectors
from tisser.training.enrolment_forms import DropForm, IdChoiceForm
from tisser.training.enums import EnrolmentStatus
from tisser.training.models import Cohort, Enrolment
from tisser.training.roles import READER_ROLES, RUNNER_ROLES

READ_ROLES = READER_ROLES
WRITE_ROLES = RUNNER_ROLES


def _require_enrol(request, cohort: Cohort) -> None:
    if not enrolments.may_enrol(request.membership, cohort):
        raise PermissionDenied


def _done_message(request, enrolment: Enrolment) -> None:
    name = f"{enrolment.beneficiary.first_name} {enrolment.beneficiary.last_name}".strip()
    if enrolment.status == EnrolmentStatus.ENROLLED:
        messages.success(
            request,
            _("%(name)s est inscrit(e) au groupe « %(cohort)s ».")
            % {"name": name, "cohort": enrolment.cohort.name},
        )
    else:
        messages.warning(
            request,
            _(
                "Le groupe « %(cohort)s » est complet : %(name)s est en liste d'attente. "
                "La personne aura une place dès qu'une autre abandonne."
            )
            % {"name": name, "cohort": enrolment.cohort.name},
        )


# --- the lists ------------------------------------------------------------------------------


@require_roles(*READ_ROLES)
@scoped_object(Cohort)
@require_http_methods(["GET"])
def cohort_enrolments(request, obj):
    """The enrolled people, then the waiting list in its order, then the drop-outs."""
    cohort = Cohort.objects.select_related("programme", "site").get(pk=obj.pk)
    membership = request.membership
    page = paginate(request, selectors.cohort_enrolments(membership=membership, cohort=cohort))
    dropouts = paginate(
        request, selectors.cohort_dropouts(membership=membership, cohort=cohort), param="abandons"
    )
    counts = selectors.cohort_enrolment_counts(membership=membership, cohort=cohort)
    # The waiting list's order (enrolled people come first in the list).
    page.object_list = list(page.object_list)
    for index, enrolment in enumerate(page.object_list, start=page.start_index()):
        enrolment.position = index - counts[EnrolmentStatus.ENROLLED]
    record_page_read(request, action="training.enrolments_viewed", obj=cohort, site=cohort.site_id)
    return render(
        request,
        "training/enrolment/list.html",
        {
            "cohort": cohort,
            "page": page,
            "dropouts": dropouts,
            "counts": counts,
            "seats_left": max(cohort.capacity - counts[EnrolmentStatus.ENROLLED], 0),
            "may_enrol": enrolments.may_enrol(membership, cohort),
        },
    )


# --- enrol ----------------------------------------------------------------------------------


@require_roles(*WRITE_ROLES)
@scoped_object(Cohort)
@require_http_methods(["GET", "POST"])
def cohort_enrol(request, obj):
    """Find the person: an accepted referral waiting for a programme, or a file. A file is
    enrolled by its button (POST); a referral opens its check of existing files."""
    cohort = Cohort.objects.select_related("programme", "site").get(pk=obj.pk)
    _require_enrol(request, cohort)
    membership = request.membership
    query = (request.GET.get("q") or "").strip()[: selectors.SEARCH_MAX]
    form = IdChoiceForm(request.POST or None)
    submission = submit_forms(
        request,
        form,
        action=lambda: enrolments.enrol_file(
            actor=membership,
            cohort=cohort,
            beneficiary=_file_of_site(membership, cohort, form.cleaned_data["id"]),
        ),
    )
    if submission.succeeded:
        _done_message(request, submission.result)
        return redirect("training:cohort_enrolments", pk=cohort.pk)
    referrals = paginate(
        request,
        selectors.enrollable_referrals(membership=membership, cohort=cohort, query=query),
        param="bons",
    )
    files = paginate(
        request,
        selectors.enrollable_files(membership=membership, cohort=cohort, query=query),
        param="dossiers",
    )
    return render(
        request,
        "training/enrolment/enrol.html",
        {
            "cohort": cohort,
            "query": query,
            "referrals": referrals,
            "files": files,
            "form": form,
            "is_full": selectors.cohort_enrolment_counts(membership=membership, cohort=cohort)[
                EnrolmentStatus.ENROLLED
            ]
            >= cohort.capacity,
        },
        status=400 if request.method == "POST" else 200,
    )


def _file_of_site(membership, cohort: Cohort, pk: int) -> Beneficiary:
    found = Beneficiary.objects.visible_to(membership).filter(pk=pk, site_id=cohort.site_id).first()
    if found is None:
        raise DomainError(_("Ce dossier n'est pas suivi par l'espace de ce groupe."))
    return found


@require_roles(*WRITE_ROLES)
@scoped_object(Cohort)
@scoped_object(Referral, kwarg="referral_pk")
@require_http_methods(["GET", "POST"])
def cohort_enrol_referral(request, obj, referral):
    """Enrol a referral's person: link a file of theirs the site already has, or create it."""
    cohort = Cohort.objects.select_related("programme", "site").get(pk=obj.pk)
    _require_enrol(request, cohort)
    candidates = (
        duplicates_for_referral(referral, membership=request.membership)
        if referral.beneficiary_id is None
        else []
    )
    form = CameForm(request.POST or None, candidates=candidates)
    submission = submit_forms(
        request,
        form,
        action=lambda: enrolments.enrol_from_referral(
            actor=request.membership,
            cohort=cohort,
            referral=referral,
            existing=form.cleaned_data["existing"],
        ),
    )
    if submission.succeeded:
        _done_message(request, submission.result)
        return redirect("training:cohort_enrolments", pk=cohort.pk)
    return render(
        request,
        "training/enrolment/enrol_referral.html",
        {"cohort": cohort, "referral": referral, "candidates": candidates, "form": form},
        status=400 if request.method == "POST" else 200,
    )


# --- drop-out -------------------------------------------------------------------------------


@require_roles(*WRITE_ROLES)
@scoped_object(Enrolment)
@require_http_methods(["GET", "POST"])
def enrolment_drop(request, obj):
    enrolment = Enrolment.objects.select_related("cohort__programme", "beneficiary").get(pk=obj.pk)
    cohort = enrolment.cohort
    _require_enrol(request, cohort)
    if enrolment.status == EnrolmentStatus.DROPPED:
        messages.info(request, _("L'abandon de cette personne est déjà noté."))
        return redirect("training:cohort_enrolments", pk=cohort.pk)
    form = DropForm(request.POST or None)
    submission = submit_forms(
        request,
        form,
        action=lambda: enrolments.enrolment_drop(
            actor=request.membership,
            enrolment=enrolment,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
            on=form.cleaned_data["on"],
        ),
    )
    if submission.succeeded:
        messages.success(request, _("L'abandon est noté."))
        return redirect("training:cohort_enrolments", pk=cohort.pk)
    return render(
        request,
        "training/enrolment/drop.html",
        {"enrolment": enrolment, "cohort": cohort, "form": form},
        status=400 if request.method == "POST" else 200,
    )


# --- from the person's file -----------------------------------------------------------------


@require_roles(*WRITE_ROLES)
@scoped_object(Beneficiary)
@require_http_methods(["GET", "POST"])
def enrol_person(request, obj):
    """The cohorts of the file's site that take people; a button enrols the person."""
    membership = request.membership
    if obj.merged_into_id is not None:
        return redirect("beneficiaries:detail", pk=obj.merged_into_id)
    if membership.role != Role.NETWORK_ADMIN and membership.organisation_id != obj.site_id:
        raise PermissionDenied
    cohorts = selectors.open_cohorts_for(membership=membership, beneficiary=obj)
    form = IdChoiceForm(request.POST or None)

    def enrol():
        cohort = cohorts.filter(pk=form.cleaned_data["id"]).first()
        if cohort is None:
            raise DomainError(_("Ce groupe ne prend plus d'inscriptions dans l'espace du dossier."))
        return enrolments.enrol_file(actor=membership, cohort=cohort, beneficiary=obj)

    submission = submit_forms(request, form, action=enrol)
    if submission.succeeded:
        _done_message(request, submission.result)
        return redirect("beneficiaries:detail", pk=obj.pk)
    return render(
        request,
        "training/enrolment/person.html",
        {"beneficiary": obj, "page": paginate(request, cohorts), "form": form},
        status=400 if request.method == "POST" else 200,
    )
