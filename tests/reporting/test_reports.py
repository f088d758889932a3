"""PDF reports: asked for on a page, prepared by a task, listed with their state and
downloaded (journaled) by the organisation that asked, and nobody else."""

import datetime
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.accounts.factories import FunderFactory
from tests.reporting import hand_built
from tests.reporting.factories import ReportRequestFactory
from tisser.accounts.enums import Role
from tisser.core.models import JournalEntry
from tisser.reporting import catalogue, export_views, reports, services
from tisser.reporting.dashboard_types import Audience, FigureLine, GroupBlock, Shown
from tisser.reporting.enums import Group, ReportKind, ReportStatus
from tisser.reporting.models import ReportRequest


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def built(monkeypatch):
    """Dashboards built by hand (DASH's build is wired at merge): records who asked."""
    calls = []

    def funder_dashboard(membership, query):
        calls.append(("funder", membership, dict(query.lists())))
        return hand_built.dashboard(audience=export_views.audience_of(membership))

    def yearly(membership, year):
        calls.append(("yearly", membership, year))
        item = catalogue.indicator("people_helped")
        dashboard = hand_built.dashboard(audience=Audience.STAFF)
        dashboard.title = f"Rapport d'activité {year}"
        dashboard.groups = [GroupBlock(Group.WELCOME, "Accueil", [FigureLine(item, Shown("0", 0))])]
        from tisser.reporting.figures import Selection

        selection = Selection(
            network_id=membership.organisation_id,
            start=datetime.date(year, 1, 1),
            end=datetime.date(year, 12, 31),
        )
        return dashboard, selection

    monkeypatch.setattr(export_views, "dashboard_from", funder_dashboard)
    monkeypatch.setattr(export_views, "yearly_dashboard", yearly)
    return calls


@pytest.fixture
def funder_member(funder, member_factory):
    return member_factory(funder, Role.FUNDER_VIEWER)


def _ask(client, *, query="", **data):
    return client.post(reverse("reporting:report_request") + query, {"kind": "funder", **data})


def test_a_funder_asks_for_the_report_and_downloads_it_when_ready(
    built, funder_member, login, django_capture_on_commit_callbacks
):
    client = login(funder_member)
    with django_capture_on_commit_callbacks(execute=True):
        response = _ask(client, query="?du=2026-01-01&au=2026-06-30&site=4")
    assert response.status_code == 302
    report = ReportRequest.objects.get()
    assert report.organisation_id == funder_member.organisation_id
    assert report.filters == {"du": ["2026-01-01"], "au": ["2026-06-30"], "site": ["4"]}
    assert report.status == ReportStatus.READY
    assert report.finished_at is not None
    # The task built the dashboard again for the person who asked, with their filters.
    kind, membership, query = built[0]
    assert (kind, membership.pk, query["site"]) == ("funder", funder_member.pk, ["4"])

    listing = client.get(reverse("reporting:report_list"))
    download = reverse("reporting:report_download", kwargs={"pk": report.pk})
    assert download in listing.content.decode()

    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    # Cover, key figures, charts' data, per site, definitions.
    assert "Chiffres de la Fondation Lumière" in text
    assert "Fondation" in text and "Pass numérique" in text
    assert "Chiffres clés" in text
    assert "1 250" in text.replace("\u202f", " ")
    assert "moins de 10" in text
    assert "Par espace" in text and "Espace Nord" in text
    assert "Définitions des indicateurs" in text
    assert "Personnes distinctes ayant au moins une activité" in text
    entry = JournalEntry.objects.get(action="report.downloaded")
    assert entry.object_id == str(report.pk)
    assert JournalEntry.objects.filter(action="report.requested").count() == 1


def test_the_request_is_queued_until_the_transaction_commits(
    built, funder_member, login, django_capture_on_commit_callbacks
):
    client = login(funder_member)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _ask(client)
    report = ReportRequest.objects.get()
    assert report.status == ReportStatus.QUEUED
    assert len(callbacks) == 1
    listing = client.get(reverse("reporting:report_list")).content.decode()
    assert "en attente" in listing
    assert reverse("reporting:report_download", kwargs={"pk": report.pk}) not in listing
    # Not ready: back to the list, nothing downloaded.
    response = client.get(reverse("reporting:report_download", kwargs={"pk": report.pk}))
    assert response.status_code == 302
    assert not JournalEntry.objects.filter(action="report.downloaded").exists()


def test_a_report_is_prepared_once(built, funder_member):
    report = ReportRequestFactory(
        organisation=funder_member.organisation, requested_by=funder_member.user
    )
    assert reports.prepare(report.pk) == ReportStatus.READY
    assert reports.prepare(report.pk) == "skipped"
    assert len(built) == 1


def test_a_failing_report_is_marked_failed_with_a_french_reason(monkeypatch, funder_member):
    def broken(membership, query):
        raise RuntimeError("boom")

    monkeypatch.setattr(export_views, "dashboard_from", broken)
    report = ReportRequestFactory(
        organisation=funder_member.organisation, requested_by=funder_member.user
    )
    reports.prepare(report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert report.finished_at is not None
    assert report.pdf is None
    assert report.error.startswith("La préparation du rapport a échoué")


def test_a_report_is_not_prepared_for_someone_who_lost_access(built, funder_member):
    report = ReportRequestFactory(
        organisation=funder_member.organisation, requested_by=funder_member.user
    )
    funder_member.is_active = False
    funder_member.save()
    reports.prepare(report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert "n'a plus accès" in report.error
    assert built == []


def test_a_funder_sees_and_downloads_only_their_organisations_reports(
    built, network, funder_member, member_factory, login
):
    other = member_factory(FunderFactory(network=network), Role.FUNDER_VIEWER)
    theirs = ReportRequestFactory(organisation=other.organisation, requested_by=other.user)
    services.report_finish(theirs, pdf=b"%PDF-1.7 theirs")
    mine = ReportRequestFactory(
        organisation=funder_member.organisation, requested_by=funder_member.user
    )
    services.report_finish(mine, pdf=b"%PDF-1.7 mine")

    client = login(funder_member)
    listing = client.get(reverse("reporting:report_list")).content.decode()
    assert reverse("reporting:report_download", kwargs={"pk": mine.pk}) in listing
    assert reverse("reporting:report_download", kwargs={"pk": theirs.pk}) not in listing
    assert (
        client.get(reverse("reporting:report_download", kwargs={"pk": theirs.pk})).status_code
        == 404
    )
    assert client.get(reverse("reporting:report_download", kwargs={"pk": mine.pk})).content == (
        b"%PDF-1.7 mine"
    )
    assert JournalEntry.objects.filter(action="report.downloaded").count() == 1


def test_a_mediator_asks_for_the_report_of_their_site_dashboard(built, site, member_factory, login):
    mediator = member_factory(site, Role.MEDIATOR)
    client = login(mediator)
    assert _ask(client).status_code == 302
    assert ReportRequest.objects.get().organisation_id == site.pk
    assert client.get(reverse("reporting:report_list")).status_code == 200


def test_a_volunteer_cannot_ask_or_list(built, site, member_factory, login):
    client = login(member_factory(site, Role.VOLUNTEER))
    assert _ask(client).status_code == 403
    assert client.get(reverse("reporting:report_list")).status_code == 403
    assert not ReportRequest.objects.exists()


def test_the_network_admin_gets_the_yearly_report_per_month(
    built, network_admin, login, django_capture_on_commit_callbacks, fake_clock
):
    fake_clock.set(datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC))
    client = login(network_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reporting:report_request"), {"kind": "yearly", "year": "2025"})
    report = ReportRequest.objects.get()
    assert (report.kind, report.filters, report.status) == (
        ReportKind.YEARLY,
        {"year": 2025},
        ReportStatus.READY,
    )
    text = pdf_text(bytes(report.pdf))
    assert "Rapport d'activité 2025" in text
    assert "Mois par mois en 2025" in text
    assert "Personnes accompagnées" in text
    assert "Définitions des indicateurs" in text


def test_a_site_manager_cannot_ask_for_the_yearly_report(built, site, member_factory, login):
    client = login(member_factory(site, Role.SITE_MANAGER))
    response = client.post(reverse("reporting:report_request"), {"kind": "yearly", "year": "2025"})
    assert response.status_code == 302
    assert not ReportRequest.objects.exists()


def test_a_year_in_the_future_is_refused(built, network_admin, login):
    client = login(network_admin)
    client.post(reverse("reporting:report_request"), {"kind": "yearly", "year": "2999"})
    assert not ReportRequest.objects.exists()


def test_the_list_does_not_load_the_pdfs(
    built, funder_member, login, django_assert_max_num_queries
):
    for _ in range(3):
        report = ReportRequestFactory(
            organisation=funder_member.organisation, requested_by=funder_member.user
        )
        services.report_finish(report, pdf=b"%PDF" + b"x" * 1000)
    client = login(funder_member)
    with django_assert_max_num_queries(30) as queries:
        response = client.get(reverse("reporting:report_list"))
    assert response.content.decode().count("Télécharger le PDF") == 3
    listing = [q["sql"] for q in queries.captured_queries if "reporting_reportrequest" in q["sql"]]
    assert listing and not any('"pdf"' in sql for sql in listing)


def test_a_failed_report_shows_its_reason_in_the_list(built, funder_member, login):
    report = ReportRequestFactory(
        organisation=funder_member.organisation, requested_by=funder_member.user
    )
    services.report_fail(report, error="Ces filtres ne donnent pas de tableau de bord.")
    page = login(funder_member).get(reverse("reporting:report_list")).content.decode()
    assert "en échec" in page
    assert "Ces filtres ne donnent pas de tableau de bord." in page


def test_the_dashboards_link_asks_to_confirm_with_the_same_filters(
    built, funder_member, login, django_capture_on_commit_callbacks
):
    client = login(funder_member)
    url = reverse("reporting:report_request") + "?tableau=funder&du=2026-01-01"
    page = client.get(url)
    assert page.status_code == 200
    assert not ReportRequest.objects.exists()
    action = 'action="' + reverse("reporting:report_request") + "?tableau=funder&amp;du=2026-01-01"
    assert action in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"kind": "funder"})
    assert ReportRequest.objects.get().filters == {"tableau": ["funder"], "du": ["2026-01-01"]}


def test_the_yearly_month_table_counts_people_per_month(network, site):
    from tests.activities.factories import ActivityFactory, ParticipationFactory
    from tests.beneficiaries.factories import BeneficiaryFactory
    from tisser.reporting import rollups
    from tisser.reporting.figures import Selection

    person, other = BeneficiaryFactory(site=site), BeneficiaryFactory(site=site)
    for day, who in [
        (datetime.date(2025, 3, 3), person),
        (datetime.date(2025, 3, 20), person),
        (datetime.date(2025, 3, 21), other),
        (datetime.date(2025, 11, 5), person),
    ]:
        ParticipationFactory(activity=ActivityFactory(site=site, date=day), beneficiary=who)
    rollups.rebuild(datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    selection = Selection(
        network_id=network.pk, start=datetime.date(2025, 1, 1), end=datetime.date(2025, 12, 31)
    )
    table = reports.month_table(selection, [catalogue.indicator("people_helped")])
    assert len(table["months"]) == 12
    cells = table["rows"][0]["cells"]
    assert (cells[2], cells[10], cells[0]) == ("2", "1", "0")
