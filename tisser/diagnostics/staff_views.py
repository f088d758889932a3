"""The team's side of taking the diagnostic (« Diagnostic des compétences » on the file).

From the person's file, a mediator starts the entry or exit diagnostic with the person in
the space (assisted: context questions, then one item per page on the mediator's screen,
with « Écouter » and « Je ne sais pas », no right or wrong shown) or on paper (printed form,
answers entered afterwards); an open sitting is resumed. The preview shows each whole form
as a learner takes it, saving nothing. Network admins and the file's site team; another
site's file or sitting is a 404. Reads and writes of a person's sitting are journaled.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tisser.beneficiaries.models import Beneficiary
from tisser.core.access import require_roles, scoped_object
from tisser.core.errors import DomainError
from tisser.core.journal import record_page_read
from tisser.core.pdf import pdf_response
from tisser.core.views_helpers import paginate
from tisser.diagnostics import framework, paper, selectors, services
from tisser.diagnostics.enums import DiagnosticKind, DiagnosticMode, DiagnosticStatus
from tisser.diagnostics.forms import ContextForm, PaperEntryForm, StartForm
from tisser.diagnostics.models import Diagnostic
from tisser.exercises import scoring
from tisser.exercises.practice import attempt_of, parsed_response
from tisser.exercises.rendering import Shown, new_attempt_key

STAFF_ROLES = services.STAFF_ROLES
# The form's name in URLs and file names (French), and the kind it stands for.
FORM_SLUGS = {"entree": DiagnosticKind.ENTRY, "sortie": DiagnosticKind.EXIT}
SLUG_OF = {kind: slug for slug, kind in FORM_SLUGS.items()}


def _file_view(view):
    return require_roles(*STAFF_ROLES)(scoped_object(Beneficiary)(view))


def _sitting_view(view):
    return require_roles(*STAFF_ROLES)(scoped_object(Diagnostic)(view))


def _kind_of(slug: str) -> str:
    kind = FORM_SLUGS.get(slug)
    if kind is None:
        raise Http404
    return kind


def _closed(request, diagnostic):
    """A sitting that no longer takes answers: its results when finished (the person is often
    still there to hear them), else back to the person's diagnostics."""
    if diagnostic.status == DiagnosticStatus.FINISHED:
        messages.success(request, _("Le diagnostic est terminé : les niveaux sont enregistrés."))
        return redirect("diagnostics:results", pk=diagnostic.pk)
    messages.info(request, _("Ce diagnostic n'est plus en cours."))
    return redirect("diagnostics:person", pk=diagnostic.beneficiary_id)


# --- the person's diagnostics -----------------------------------------------------------


@_file_view
@require_http_methods(["GET"])
def person(request, obj):
    """Start a diagnostic (entry or exit, with the person or on paper), resume, see the past."""
    sittings = selectors.person_diagnostics(membership=request.membership, beneficiary=obj)
    page = paginate(request, sittings, count_from=Diagnostic.objects.filter(beneficiary=obj))
    in_progress = list(Diagnostic.objects.in_progress().filter(beneficiary=obj).order_by("kind"))
    record_page_read(request, action="diagnostic.file_viewed", obj=obj, site=obj.site_id)
    labels = framework.domain_labels()
    rows = [
        {
            "diagnostic": diagnostic,
            "levels": [(labels.get(r.domain, r.domain), r.level) for r in diagnostic.results.all()],
        }
        for diagnostic in page
    ]
    return render(
        request,
        "diagnostics/staff/person.html",
        {
            "beneficiary": obj,
            "page": page,
            "rows": rows,
            "in_progress": in_progress,
            "kinds": DiagnosticKind.choices,
            "modes": [(m.value, m.label) for m in (DiagnosticMode.ASSISTED, DiagnosticMode.PAPER)],
            "form_slugs": SLUG_OF,
        },
    )


@require_POST
@_file_view
def start(request, obj):
    form = StartForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez le diagnostic (entrée ou sortie) et la passation."))
        return redirect("diagnostics:person", pk=obj.pk)
    kind, mode = form.cleaned_data["kind"], form.cleaned_data["mode"]
    try:
        diagnostic = services.diagnostic_start(
            beneficiary=obj, kind=kind, mode=mode, actor=request.membership
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("diagnostics:person", pk=obj.pk)
    if diagnostic.mode != mode:
        messages.info(
            request,
            _("Ce diagnostic était déjà commencé (%(mode)s) : vous le reprenez où il en était.")
            % {"mode": diagnostic.get_mode_display()},
        )
    return redirect("diagnostics:sitting", pk=diagnostic.pk)


@_sitting_view
@require_http_methods(["GET"])
def sitting(request, obj):
    """« Reprendre »: the page where the sitting stands."""
    if obj.status != DiagnosticStatus.IN_PROGRESS:
        return _closed(request, obj)
    if obj.mode == DiagnosticMode.PAPER:
        return redirect("diagnostics:paper_entry", pk=obj.pk)
    if not obj.context and framework.context_questions():
        return redirect("diagnostics:context", pk=obj.pk)
    return redirect("diagnostics:question", pk=obj.pk)


# --- assisted sitting ---------------------------------------------------------------------


@_sitting_view
@require_http_methods(["GET", "POST"])
def context(request, obj):
    """The context questions, entered by the mediator with the person."""
    if obj.status != DiagnosticStatus.IN_PROGRESS:
        return _closed(request, obj)
    questions = framework.context_questions()
    initial = {f"ctx_{code}": value for code, value in obj.context.items()}
    form = ContextForm(request.POST or None, questions=questions, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.diagnostic_context_save(
                diagnostic=obj, answers=form.answers(), actor=request.membership
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            return redirect("diagnostics:question", pk=obj.pk)
    status = 400 if request.method == "POST" else 200
    if request.method == "GET":
        record_page_read(request, action="diagnostic.viewed", obj=obj, site=obj.site_id)
    return render(
        request,
        "diagnostics/staff/context.html",
        {"diagnostic": obj, "beneficiary": obj.beneficiary, "form": form},
        status=status,
    )


@_sitting_view
@require_http_methods(["GET", "POST"])
def question(request, obj):
    """One item of the assisted sitting, as the learner sees it; no right or wrong shown."""
    if obj.mode == DiagnosticMode.PAPER:
        return redirect("diagnostics:paper_entry", pk=obj.pk)
    item = services.diagnostic_next(obj)
    if item is None:
        if obj.status == DiagnosticStatus.IN_PROGRESS:
            # Nothing left to ask (the answers were all given elsewhere): close it now.
            try:
                services.diagnostic_finish(obj, actor=request.membership)
            except DomainError as error:
                messages.error(request, error.message)
        return _closed(request, obj)
    shown = Shown(item=item, attempt=new_attempt_key())
    if request.method == "POST":
        if request.POST.get("item") != item.key:
            # A page left open on an earlier question: show the one to ask now.
            messages.info(request, _("Cette question a déjà sa réponse : voici la suivante."))
            return redirect("diagnostics:question", pk=obj.pk)
        dont_know = request.POST.get("dont_know") == "1"
        response = None
        if not dont_know:
            again, response = parsed_response(request, item)
            if again is not None:
                shown = again
        if dont_know or response is not None:
            try:
                services.diagnostic_answer(
                    diagnostic=obj,
                    item=item,
                    response=response or {},
                    idempotency_key=attempt_of(request),
                    dont_know=dont_know,
                    actor=request.membership,
                )
            except scoring.InvalidResponse:
                shown = Shown(
                    item=item,
                    attempt=attempt_of(request),
                    invalid=_("Répondez avant de valider, s'il vous plaît."),
                )
            except DomainError as error:
                messages.error(request, error.message)
                return redirect("diagnostics:question", pk=obj.pk)
            else:
                return redirect("diagnostics:question", pk=obj.pk)
    else:
        record_page_read(request, action="diagnostic.viewed", obj=obj, site=obj.site_id)
    return render(
        request,
        "diagnostics/staff/question.html",
        {
            "diagnostic": obj,
            "beneficiary": obj.beneficiary,
            "shown": shown,
            "item_hidden": [("item", item.key)],
            "can_abandon": request.membership.role in services.ABANDON_ROLES,
            "position": selectors.diagnostic_answered_count(obj) + 1,
            "domain_label": framework.domain_labels().get(item.domain, item.domain),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@_sitting_view
def abandon(request, obj):
    try:
        services.diagnostic_abandon(actor=request.membership, diagnostic=obj)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Diagnostic arrêté : il n'est plus en cours."))
    return redirect("diagnostics:person", pk=obj.beneficiary_id)


# --- paper ----------------------------------------------------------------------------------


@require_roles(*STAFF_ROLES)
@require_http_methods(["GET"])
def paper_pdf(request, form):
    """The printed form (no personal data: the person writes their first name on it)."""
    kind = _kind_of(form)
    route = paper.paper_route(kind)
    labels = framework.domain_labels()
    sections = []
    for question in route:
        if not sections or sections[-1]["domain"] != question.domain:
            sections.append(
                {"domain": question.domain, "label": labels.get(question.domain, ""), "rows": []}
            )
        sections[-1]["rows"].append({"question": question, "shown": Shown(question.item, "")})
    return pdf_response(
        "diagnostics/pdf/paper_form.html",
        {
            "kind_label": DiagnosticKind(kind).label,
            "sections": sections,
            "questions": framework.context_questions(),
            "jobseekers_domains": [row.code for row in framework.domains() if row.jobseekers_only],
            "dont_knows_to_stop": paper.DONT_KNOWS_TO_STOP,
            "form_version": framework.form_version(kind)[:8],
        },
        request=request,
        filename=f"diagnostic-{form}-papier.pdf",
    )


@_sitting_view
@require_http_methods(["GET", "POST"])
def paper_entry(request, obj):
    """The answers of a paper form, entered by the mediator; the sitting then finishes."""
    if obj.status != DiagnosticStatus.IN_PROGRESS:
        return _closed(request, obj)
    if obj.mode != DiagnosticMode.PAPER:
        return redirect("diagnostics:sitting", pk=obj.pk)
    route = paper.sitting_route(obj)
    form = PaperEntryForm(
        request.POST or None, questions=framework.context_questions(), route=route
    )
    if request.method == "POST" and form.is_valid():
        try:
            paper.diagnostic_paper_enter(
                actor=request.membership,
                diagnostic=obj,
                marks=form.marks(),
                context=form.answers(),
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Réponses enregistrées : le diagnostic est terminé."))
            return redirect("diagnostics:results", pk=obj.pk)
    if request.method == "GET":
        record_page_read(request, action="diagnostic.viewed", obj=obj, site=obj.site_id)
    labels = framework.domain_labels()
    return render(
        request,
        "diagnostics/staff/paper_entry.html",
        {
            "diagnostic": obj,
            "beneficiary": obj.beneficiary,
            "form": form,
            "context_fields": [field for field in form if field.name.startswith("ctx_")],
            "rows": [
                (question, field, labels.get(question.domain, question.domain))
                for question, field in form.rows()
            ],
            "pdf_url": reverse("diagnostics:paper_pdf", kwargs={"form": SLUG_OF[obj.kind]}),
            "correction_url": reverse("diagnostics:paper_correction", kwargs={"pk": obj.pk}),
            "dont_knows_to_stop": paper.DONT_KNOWS_TO_STOP,
            "can_abandon": request.membership.role in services.ABANDON_ROLES,
        },
        status=400 if request.method == "POST" else 200,
    )


@_sitting_view
@require_http_methods(["GET"])
def paper_correction(request, obj):
    """The team's correction sheet of a paper sitting: each printed question of its route
    with the right answer in words. Never handed to the person; the print is journaled."""
    if obj.mode != DiagnosticMode.PAPER:
        # No paper, no printed numbers: back to where the sitting stands, as the entry does.
        return redirect("diagnostics:sitting", pk=obj.pk)
    labels = framework.domain_labels()
    sections: list[dict] = []
    for question in paper.sitting_route(obj):
        if not sections or sections[-1]["domain"] != question.domain:
            sections.append(
                {"domain": question.domain, "label": labels.get(question.domain, ""), "rows": []}
            )
        sections[-1]["rows"].append(question)
    record_page_read(request, action="diagnostic.correction_printed", obj=obj, site=obj.site_id)
    return pdf_response(
        "diagnostics/pdf/paper_correction.html",
        {
            "diagnostic": obj,
            "kind_label": DiagnosticKind(obj.kind).label,
            "file_number": obj.beneficiary.file_number,
            "sections": sections,
            "dont_knows_to_stop": paper.DONT_KNOWS_TO_STOP,
            "form_version": framework.form_version(obj.kind)[:8],
        },
        request=request,
        filename=f"diagnostic-{SLUG_OF[obj.kind]}-corrige-{obj.beneficiary.file_number}.pdf",
    )


# --- staff preview of the forms ---------------------------------------------------------------


@require_roles(*STAFF_ROLES)
@require_http_methods(["GET"])
def preview_list(request):
    forms = []
    for slug, kind in FORM_SLUGS.items():
        forms.append(
            {
                "slug": slug,
                "label": DiagnosticKind(kind).label,
                "count": len(framework.form_items(kind)),
                "paper_count": len(paper.paper_route(kind)),
            }
        )
    return render(request, "diagnostics/staff/preview_list.html", {"forms": forms})


def _position(value, total: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), max(total, 1))


@require_roles(*STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def preview_item(request, form):
    """Item n of N of a whole form, in a phone frame, as a learner takes it; nothing saved."""
    kind = _kind_of(form)
    items = framework.form_items(kind)
    if not items:
        raise Http404
    source = request.POST if request.method == "POST" else request.GET
    position = _position(source.get("n"), len(items))
    item = items[position - 1]
    shown = Shown(item=item, attempt=new_attempt_key())
    tried = ""
    if request.method == "POST":
        if request.POST.get("dont_know") == "1":
            tried = "dont_know"
        else:
            again, response = parsed_response(request, item)
            if again is not None:
                shown = again
            else:
                tried = "right" if scoring.score(item.definition, response).correct else "wrong"
        if tried and position < len(items):
            position += 1
            item = items[position - 1]
            shown = Shown(item=item, attempt=new_attempt_key())
    return render(
        request,
        "diagnostics/staff/preview_item.html",
        {
            "form_slug": form,
            "kind_label": DiagnosticKind(kind).label,
            "shown": shown,
            "item_hidden": [("n", position)],
            "position": position,
            "total": len(items),
            "tried": tried,
            "domain_label": framework.domain_labels().get(item.domain, item.domain),
            "next_position": position + 1 if position < len(items) else None,
        },
    )
