"""The journal in plain French: labels, named and linked objects resolved in bulk, French
details, filters in words, and the CSV export (docs/decisions/0030, 0031)."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.accounts.factories import MembershipFactory, NetworkFactory, SiteFactory
from tests.activities.factories import ActivityFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.referrals.factories import ReferralFactory
from tisser.accounts.enums import Role
from tisser.core import journal
from tisser.core.models import JournalEntry

URL = reverse("workspace:journal")
EXPORT = reverse("workspace:journal_export")


@pytest.fixture
def admin_client(login, network_admin):
    return login(network_admin)


def _one_of_each(site, actor):
    """An entry on each kind of object the journal names (a new row of each model)."""
    referral = ReferralFactory(site=site)
    journal.record(
        actor=actor,
        action="referral.submitted",
        obj=referral,
        site=site,
        payload={"from": "draft", "to": "moderation_pending"},
    )
    beneficiary = BeneficiaryFactory(site=site)
    journal.record(actor=actor, action="beneficiary.viewed", obj=beneficiary, site=site)
    activity = ActivityFactory(site=site)
    journal.record(actor=actor, action="activity.viewed", obj=activity, site=site)
    journal.record(actor=actor, action="site.updated", obj=site, site=site)
    member = MembershipFactory(organisation=site, role=Role.MEDIATOR)
    journal.record(
        actor=actor,
        action="member.role_changed",
        obj=member,
        site=site,
        payload={"old_role": "volunteer", "new_role": "mediator"},
    )
    return referral, beneficiary, activity, member


def test_actions_objects_and_details_read_in_french(admin_client, site, network_admin):
    referral, beneficiary, activity, _member = _one_of_each(site, network_admin.user)
    html = admin_client.get(URL).content.decode()
    assert '<td data-label="Action">Bon d&#x27;orientation envoyé</td>' in html
    assert "changement : de : brouillon → à : en attente de modération" in html
    assert '<td data-label="Action">Dossier consulté</td>' in html
    detail = reverse("beneficiaries:detail", kwargs={"pk": beneficiary.pk})
    assert f'<a href="{detail}">Dossier n° {beneficiary.file_number}</a>' in html
    # The journal names a file by its number, never by the person's name.
    assert beneficiary.last_name not in html
    assert referral.last_name not in html
    assert f'href="{reverse("referrals:detail", kwargs={"pk": referral.pk})}"' in html
    assert f"Bon d&#x27;orientation BO-{referral.pk}" in html
    assert f'href="{reverse("activities:detail", kwargs={"pk": activity.pk})}"' in html
    assert "ancien rôle : bénévole" in html
    assert "nouveau rôle : médiateur numérique" in html


def test_filters_are_in_words(admin_client):
    form = admin_client.get(URL).context["form"]
    actions = dict(form.fields["action"].choices)
    assert actions["referral.accepted"] == "Bon d'orientation accepté"
    assert dict(form.fields["object_type"].choices)["beneficiaries.beneficiary"] == "Dossier"
    response = admin_client.get(URL, {"action": "nimporte.quoi"})
    assert "action" in response.context["form"].errors
    assert list(response.context["page"].object_list) == []


def test_object_kind_filter(admin_client, site, network_admin):
    _one_of_each(site, network_admin.user)
    found = admin_client.get(URL, {"object_type": "referrals.referral"}).context["page"]
    assert [entry.action for entry in found] == ["referral.submitted"]


def _queries(client):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL).status_code == 200
    return len(captured)


def test_named_objects_cost_a_constant_number_of_queries(admin_client, site, network_admin):
    _one_of_each(site, network_admin.user)
    admin_client.get(URL)  # the session's first write
    with_one_of_each = _queries(admin_client)
    for _round in range(9):  # 50 entries on a page, 10 of each kind
        _one_of_each(site, network_admin.user)
    assert JournalEntry.objects.count() >= 50
    assert _queries(admin_client) == with_one_of_each


def test_an_object_of_another_network_is_not_named(admin_client, site, network_admin):
    other_site = SiteFactory(network=NetworkFactory(name="Autre réseau"))
    outsider = BeneficiaryFactory(site=other_site)
    # An entry of my network that points at an object out of my scope (a transfer, say).
    journal.record(actor=network_admin.user, action="beneficiary.viewed", obj=outsider, site=site)
    html = admin_client.get(URL).content.decode()
    assert f"Dossier n° {outsider.pk}" in html
    assert outsider.file_number not in html


def _csv(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_export_is_headed_filtered_safe_and_journaled(admin_client, site, network_admin):
    _one_of_each(site, network_admin.user)
    journal.record(
        actor=network_admin.user,
        action="site.updated",
        obj=site,
        site=site,
        reason='=HYPERLINK("http://x")',
    )
    response = admin_client.get(EXPORT, {"action": "site.updated"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = _csv(response)
    assert lines[0] == ["Journal des actions exporté par", network_admin.user.email]
    assert lines[1][0] == "Le"
    assert lines[2] == ["Filtres", "Action : Espace modifié"]
    assert lines[3] == ["Entrées", "2"]
    header_at = lines.index(
        [
            "Date",
            "Action",
            "Code de l'action",
            "Auteur",
            "Objet",
            "Type d'objet",
            "Numéro de l'objet",
            "Espace",
            "Motif",
            "Détails",
        ]
    )
    rows = lines[header_at + 1 :]
    assert len(rows) == 2
    assert {row[1] for row in rows} == {"Espace modifié"}
    assert rows[0][4] == site.name
    assert rows[0][8] == '\'=HYPERLINK("http://x")'  # neutralised, never a formula
    exported = JournalEntry.objects.get(action="journal.exported")
    assert exported.actor == network_admin.user
    assert exported.payload == {"rows": 2, "filters": {"action": "site.updated"}}


def test_export_never_writes_a_searched_address_into_the_journal(admin_client, network_admin):
    admin_client.get(EXPORT, {"actor_email": network_admin.user.email})
    exported = JournalEntry.objects.get(action="journal.exported")
    assert network_admin.user.email not in str(exported.payload)


def test_export_with_bad_filters_exports_nothing(admin_client):
    response = admin_client.get(EXPORT, {"date_from": "10 mai"})
    assert response.status_code == 200
    assert "La recherche contient des erreurs" in response.content.decode()
    assert not JournalEntry.objects.filter(action="journal.exported").exists()


@pytest.mark.parametrize("role", [Role.SITE_MANAGER, Role.MEDIATOR])
def test_only_network_admins_export(login, site, role):
    client = login(MembershipFactory(organisation=site, role=role))
    assert client.get(EXPORT).status_code == 403
    assert not JournalEntry.objects.filter(action="journal.exported").exists()


def test_export_streams_in_chunks(admin_client, site, network_admin, monkeypatch):
    from tisser.workspace import views

    monkeypatch.setattr(views, "EXPORT_CHUNK", 2)
    _one_of_each(site, network_admin.user)
    response = admin_client.get(EXPORT)
    assert response.streaming
    lines = _csv(response)
    assert len(lines) == 6 + 5  # preamble (4 + blank), header, five entries


def _objects(site, partner):
    """One object of every kind the registry names (a new kind must be added here)."""
    from tests.accounts.factories import ClosureFactory, FunderFactory, InvitationFactory
    from tests.beneficiaries.factories import AccompanimentPeriodFactory, FileNoteFactory
    from tests.funding.factories import (
        ConventionFactory,
        DonationLotFactory,
        DonorFactory,
        DotationFactory,
        TaxReceiptFactory,
        TaxReceiptSettingsFactory,
    )
    from tests.notifications.factories import OptOutFactory
    from tests.referrals.factories import AppointmentFactory, ImportBatchFactory

    objects = {
        "accounts.organisation": site.network,
        "accounts.site": site,
        "accounts.partner": partner,
        "accounts.funder": FunderFactory(network=site.network),
        "accounts.membership": MembershipFactory(organisation=site, role=Role.MEDIATOR),
        "accounts.invitation": InvitationFactory(organisation=site),
        "accounts.closure": ClosureFactory(site=site),
        "referrals.referral": ReferralFactory(site=site),
        "referrals.appointment": AppointmentFactory(site=site),
        "referrals.importbatch": ImportBatchFactory(organisation=partner),
        "beneficiaries.beneficiary": BeneficiaryFactory(site=site),
        "beneficiaries.accompanimentperiod": AccompanimentPeriodFactory(site=site),
        "beneficiaries.filenote": FileNoteFactory(beneficiary=BeneficiaryFactory(site=site)),
        "activities.activity": ActivityFactory(site=site),
        "notifications.optout": OptOutFactory(),
        # Funding (issue 10).
        "funding.donor": DonorFactory(network=site.network),
        "funding.convention": ConventionFactory(funder=FunderFactory(network=site.network)),
        "funding.dotation": DotationFactory(convention__funder=FunderFactory(network=site.network)),
        "funding.donationlot": DonationLotFactory(site=site),
        "funding.taxreceipt": TaxReceiptFactory(network=site.network),
        "funding.taxreceiptsettings": TaxReceiptSettingsFactory(network=site.network),
    }
    # Any other kind: its factory, on the test's site when the model has one.
    from django.apps import apps

    from tests.core.security.factories import factory_for
    from tisser.core import journal_labels

    for label in set(journal_labels.registry().kinds) - set(objects):
        model = apps.get_model(label)
        has_site = any(field.name == "site" for field in model._meta.get_fields())
        objects[label] = factory_for(model)(**({"site": site} if has_site else {}))
    return objects


def test_every_kind_of_object_gets_a_readable_name(site, partner, network_admin):
    from tisser.core import journal_labels

    objects = _objects(site, partner)
    assert set(objects) == set(journal_labels.registry().kinds)

    class Entry:
        def __init__(self, obj):
            self.object_type, self.object_id = obj._meta.label_lower, str(obj.pk)

    entries = [Entry(obj) for obj in objects.values()]
    with CaptureQueriesContext(connection) as captured:
        names = journal_labels.resolve_objects(network_admin, entries)
    # One query per kind that has a resolver, whatever the number of entries.
    resolvable = [k for k in journal_labels.registry().kinds.values() if k.resolve]
    assert len(captured) == len(resolvable)
    for entry in entries:
        name = names[(entry.object_type, entry.object_id)]
        assert name.text and "None" not in name.text, (entry.object_type, name)
    file = objects["beneficiaries.beneficiary"]
    assert names[("beneficiaries.beneficiary", str(file.pk))].text == (
        f"Dossier n° {file.file_number}"
    )
    period = objects["beneficiaries.accompanimentperiod"]
    assert names[("beneficiaries.accompanimentperiod", str(period.pk))].url == reverse(
        "beneficiaries:detail", kwargs={"pk": period.beneficiary.pk}
    )
    # A network admin does not read a file's notes: no link that would answer 403.
    note = objects["beneficiaries.filenote"]
    assert names[("beneficiaries.filenote", str(note.pk))].url == ""
