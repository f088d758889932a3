"""Ids sent in forms (selects, hidden fields, query strings): out of scope or absurd, they
get a form error and change nothing.

The table below has one row per form field that names database rows. It is checked
against the code: every model choice field of every Tisser form must have a row
(``test_every_id_field_has_a_row``) and must be bounded (``tisser.core.ids``). For each
row, at form level, an id out of the actor's scope is refused while an id in scope is
taken (the control); over HTTP, the out-of-scope id and an absurd id (25 nines) are sent to
the page: never a 500, the page shows the form's error on that field, and the journal and
the field's table are unchanged.
"""

import pytest
from django.forms import BaseForm
from django.http import QueryDict
from django.urls import reverse

from tests.core.security import checks
from tests.core.security.checks import BIG_ID, Row, value_of
from tests.offers.factories import OfferFactory
from tisser.accounts.enums import OrganisationKind as K
from tisser.accounts.enums import Role
from tisser.accounts.forms import InvitationForm, MemberFilterForm
from tisser.activities.forms import ActivityFilterForm
from tisser.beneficiaries.duplicates import Candidate
from tisser.beneficiaries.forms import MergeForm, WalkInForm
from tisser.beneficiaries.models import Beneficiary
from tisser.core.models import JournalEntry
from tisser.funding.forms import (
    ConventionForm,
    DonorCreateForm,
    LotFilterForm,
    LotForm,
    TaxReceiptIssueForm,
)
from tisser.funding.models import Donor, Dotation
from tisser.offers import stock_forms
from tisser.offers.catalogue_forms import OfferForm
from tisser.offers.enums import Tracking
from tisser.offers.flow_forms import HubSettingsForm, SingleReceiptForm, StockImportUploadForm
from tisser.offers.flow_forms import TransferForm as StockTransferForm
from tisser.offers.models import Offer
from tisser.referrals.appointment_forms import BookingForm
from tisser.referrals.forms import (
    AppointmentForm,
    CameForm,
    InboxFilterForm,
    ReferralForm,
    TransferForm,
    site_team,
)
from tisser.referrals.import_forms import ImportUploadForm
from tisser.referrals.models import Referral
from tisser.reporting.forms import FUNDER, NETWORK
from tisser.reporting.forms import DashboardFilterForm as FiguresFilterForm
from tisser.reporting.historic_forms import HistoricFigureForm
from tisser.reporting.models import HistoricFigure
from tisser.reporting.selection import reader_scope
from tisser.sales.forms import QuotaRuleForm
from tisser.training.dashboard_forms import DashboardFilterForm
from tisser.training.models import Cohort, Programme
from tisser.website.help_request_forms import HelpRequestForm
from tisser.workspace.forms import AgendaForm, JournalSearchForm


def _site(world):
    return world.owners[K.SITE]


def _network_offer(world):
    return world.object_of(Offer, K.NETWORK)


def _voucher_offer(world):
    return OfferFactory(network=world.network, recharge=True)


def _quantity_offer(world):
    return OfferFactory(network=world.network, tracking=Tracking.QUANTITY, allowed_grades=[])


def _query(data):
    """Form data as a browser sends it (a multiple choice is a list)."""
    query = QueryDict(mutable=True)
    for key, value in data.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    return query


def _foreign_dotation(world):
    """A dotation of the other network (made for the test, rolled back after it)."""
    from tests.funding.factories import ConventionFactory, DotationFactory

    return DotationFactory(convention=ConventionFactory(funder=world.foreign[K.FUNDER]))


def _lot(site):
    from tests.funding.factories import DonationLotFactory

    return DonationLotFactory(site=site)


def _offer_form(world, data, membership):
    sites = data.get("sites")
    return OfferForm({**data, "sites": [sites] if sites else []}, membership=membership)


def _network_offer(world):
    return world.object_of(Offer, K.NETWORK)


def _voucher_offer(world):
    return OfferFactory(network=world.network, recharge=True)


def _quantity_offer(world):
    return OfferFactory(network=world.network, tracking=Tracking.QUANTITY, allowed_grades=[])


def _historic_data():
    return {"year": "2018", "indicator": "people_helped", "value": "100", "source": "Bilan"}


def _came_candidates(world):
    own_file = world.object_of(Beneficiary, K.SITE)
    return [Candidate(beneficiary=own_file, score=100, reasons=[])]


ROWS = [
    Row(
        JournalSearchForm,
        "site",
        "workspace:journal",
        "get",
        Role.NETWORK_ADMIN,
        make=lambda w, data, m: JournalSearchForm(data, membership=m),
        outside=lambda w: w.foreign[K.SITE],
        inside=_site,
    ),
    Row(
        JournalSearchForm,
        "site",
        "workspace:journal_export",
        "get",
        Role.NETWORK_ADMIN,
        make=lambda w, data, m: JournalSearchForm(data, membership=m),
        outside=lambda w: w.foreign[K.SITE],
        inside=_site,
    ),
    Row(
        MemberFilterForm,
        "organisation",
        "accounts:member_list",
        "get",
        Role.SITE_MANAGER,
        make=lambda w, data, m: MemberFilterForm(data, membership=m),
        outside=lambda w: w.others[K.SITE],
        inside=_site,
    ),
    Row(
        InvitationForm,
        "organisation",
        "accounts:member_invite",
        "post",
        Role.SITE_MANAGER,
        make=lambda w, data, m: InvitationForm(data, membership=m),
        outside=lambda w: w.others[K.SITE],
        inside=_site,
        data=lambda w: {"email": "nouvelle@example.org", "role": Role.MEDIATOR},
    ),
    Row(
        WalkInForm,
        "site",
        "beneficiaries:create",
        "post",
        Role.NETWORK_ADMIN,
        make=lambda w, data, m: WalkInForm(data, membership=m),
        outside=lambda w: w.foreign[K.SITE],
        inside=_site,
    ),
    Row(
        ReferralForm,
        "site",
        "referrals:create",
        "post",
        Role.PARTNER_REFERRER,
        make=lambda w, data, m: ReferralForm(data, partner=m.organisation.specific),
        outside=lambda w: w.foreign[K.SITE],
        inside=_site,
    ),
    Row(
        AppointmentForm,
        "mediator",
        "referrals:accept",
        "post",
        Role.SITE_MANAGER,
        make=lambda w, data, m: AppointmentForm(data, site=m.organisation.specific),
        outside=lambda w: w.members[("attacker", K.SITE, Role.SITE_MANAGER)].user,
        inside=lambda w: w.member(Role.MEDIATOR).user,
        url_kwargs=lambda w: {"pk": w.object_of(Referral, K.SITE).pk},
    ),
    Row(
        InboxFilterForm,
        "partner",
        "referrals:inbox",
        "get",
        Role.SITE_MANAGER,
        make=lambda w, data, m: InboxFilterForm(data, membership=m),
        outside=lambda w: w.foreign[K.PARTNER],
        inside=lambda w: w.owners[K.PARTNER],
    ),
    Row(
        InboxFilterForm,
        "site",
        "referrals:inbox",
        "get",
        Role.NETWORK_ADMIN,
        make=lambda w, data, m: InboxFilterForm(data, membership=m),
        outside=lambda w: w.foreign[K.SITE],
        inside=_site,
    ),
    Row(
        ImportUploadForm,
        "site",
        "imports:index",
        "post",
        Role.PARTNER_REFERRER,
        make=lambda w, data, m: ImportUploadForm(data, {}, membership=m),
        outside=lambda w: w.foreign[K.SITE],
        inside=_site,
    ),
    Row(
        ImportUploadForm,
        "partner",
        "imports:index",
        "post",
        Role.NETWORK_ADMIN,
        make=lambda w, data, m: ImportUploadForm(data, {}, membership=m),
        outside=lambda w: w.foreign[K.PARTNER],
        inside=lambda w: w.owners[K.PARTNER],
    ),
    Row(
        ActivityFilterForm,
        "mediator",
        "activities:list",
        "get",
        Role.SITE_MANAGER,
        make=lambda w, data, m: ActivityFilterForm(data, membership=m),
        outside=lambda w: w.members[("attacker", K.SITE, Role.SITE_MANAGER)].user,
        inside=lambda w: w.member(Role.MEDIATOR).user,
    ),
    Row(
        ActivityFilterForm,
        "site",
        "activities:list",
        "get",
        Role.NETWORK_ADMIN,
        make=lambda w, data, m: ActivityFilterForm(data, membership=m),
        outside=lambda w: w.foreign[K.SITE],
        inside=_site,
    ),
    Row(
        HelpRequestForm,
        "site",
        "website:help_request",
        "post",
        None,
        make=lambda w, data, m: HelpRequestForm(data),
        outside=lambda w: w.closed_site,
        inside=_site,
    ),
    Row(
        BookingForm,
        "beneficiary",
        "appointments:book",
        "post",
        Role.SITE_MANAGER,
        make=lambda w, data, m: BookingForm(data, site=m.organisation.specific, user=m.user),
        outside=lambda w: w.object_of_other(Beneficiary, K.SITE),
        inside=lambda w: w.object_of(Beneficiary, K.SITE),
    ),
    Row(
        BookingForm,
        "mediator",
        "appointments:book",
        "post",
        Role.MEDIATOR,
        make=lambda w, data, m: BookingForm(data, site=m.organisation.specific, user=m.user),
        outside=lambda w: w.members[("attacker", K.SITE, Role.SITE_MANAGER)].user,
        inside=lambda w: w.member(Role.SITE_MANAGER).user,
    ),
    Row(
        AgendaForm,
        "mediateur",
        "workspace:agenda",
        "get",
        Role.SITE_MANAGER,
        make=lambda w, data, m: AgendaForm(data, team=site_team(m.organisation_id)),
        outside=lambda w: w.members[("attacker", K.SITE, Role.SITE_MANAGER)].user,
        inside=lambda w: w.member(Role.MEDIATOR).user,
    ),
    Row(
        TransferForm,
        "site",
        "referrals:transfer",
        "post",
        Role.SITE_MANAGER,
        make=lambda w, data, m: TransferForm(data, referral=w.object_of(Referral, K.SITE)),
        outside=lambda w: w.foreign[K.SITE],
        inside=lambda w: w.others[K.SITE],
        url_kwargs=lambda w: {"pk": w.object_of(Referral, K.SITE).pk},
        data=lambda w: {"reason": "La personne habite à côté de l'autre espace."},
    ),
    Row(
        QuotaRuleForm,
        "offer",
        "sales:rule_create",
        "post",
        Role.NETWORK_ADMIN,
        make=lambda w, data, m: QuotaRuleForm(data, offers=Offer.objects.visible_to(m)),
        outside=lambda w: w.object_of_other(Offer, K.NETWORK),
        inside=lambda w: w.object_of(Offer, K.NETWORK),
        data=lambda w: {
            "name": "Une offre par personne",
            "scope": "offer",
            "per": "person",
            "window": "lifetime",
            "measure": "quantity",
            "max_quantity": "1",
        },
    ),
    # Funding (issue 10): donors, conventions, lots and tax receipts of the network only.
    Row(
        ConventionForm,
        "funder",
        "funding:convention_create",
        "post",
        Role.NETWORK_ADMIN,
        make=lambda w, data, m: ConventionForm(_query(data), membership=m),
        outside=lambda w: w.foreign[K.FUNDER],
        inside=lambda w: w.owners[K.FUNDER],
    ),
    Row(
        ConventionForm,
        "sites",
        "funding:convention_create",
        "post",
        Role.NETWORK_ADMIN,
        make=lambda w, data, m: ConventionForm(_query(data), membership=m),
        outside=lambda w: w.foreign[K.SITE],
        inside=_site,
    ),
    Row(
        DonorCreateForm,
        "funder",
        "funding:donor_create",
        "post",
        Role.NETWORK_ADMIN,
        make=lambda w, data, m: DonorCreateForm(data, membership=m),
        outside=lambda w: w.foreign[K.FUNDER],
        inside=lambda w: w.owners[K.FUNDER],
        data=lambda w: {"kind": "organisation"},
    ),
    Row(
        LotFilterForm,
        "donor",
        "funding:lot_list",
        "get",
        Role.NETWORK_ADMIN,
        make=lambda w, data, m: LotFilterForm(data, membership=m),
        outside=lambda w: w.object_of_other(Donor, K.NETWORK),
        inside=lambda w: w.object_of(Donor, K.NETWORK),
    ),
    Row(
        LotFilterForm,
        "site",
        "funding:lot_list",
        "get",
        Role.NETWORK_ADMIN,
        make=lambda w, data, m: LotFilterForm(data, membership=m),
        outside=lambda w: w.foreign[K.SITE],
        inside=_site,
    ),
    Row(
        LotForm,
        "donor",
        "funding:lot_create",
        "post",
        Role.SITE_MANAGER,
        make=lambda w, data, m: LotForm(data, membership=m),
        outside=lambda w: w.object_of_other(Donor, K.NETWORK),
        inside=lambda w: w.object_of(Donor, K.NETWORK),
    ),
    Row(
        LotForm,
        "dotation",
        "funding:lot_create",
        "post",
        Role.NETWORK_ADMIN,
        make=lambda w, data, m: LotForm(data, membership=m),
        outside=_foreign_dotation,
        inside=lambda w: w.object_of(Dotation, K.FUNDER),
    ),
    Row(
        LotForm,
        "site",
        "funding:lot_create",
        "post",
        Role.SITE_MANAGER,
        make=lambda w, data, m: LotForm(data, membership=m),
        outside=lambda w: w.others[K.SITE],
        inside=_site,
    ),
    Row(
        TaxReceiptIssueForm,
        "donor",
        "funding:tax_receipt_issue",
        "post",
        Role.NETWORK_ADMIN,
        make=lambda w, data, m: TaxReceiptIssueForm(data, membership=m),
        outside=lambda w: w.object_of_other(Donor, K.NETWORK),
        inside=lambda w: w.object_of(Donor, K.NETWORK),
        data=lambda w: {"year": "2026"},
    ),
    # Stock flow (offers): imports, transfers, the hub, the catalogue.
    Row(
        StockImportUploadForm,
        "site",
        "offers:import_index",
        "post",
        Role.NETWORK_ADMIN,
        make=lambda w, data, m: StockImportUploadForm(data, {}, membership=m),
        outside=lambda w: w.foreign[K.SITE],
        inside=_site,
    ),
    Row(
        StockImportUploadForm,
        "offer",
        "offers:import_index",
        "post",
        Role.SITE_MANAGER,
        make=lambda w, data, m: StockImportUploadForm(data, {}, membership=m),
        outside=lambda w: w.object_of_other(Offer, K.NETWORK),
        inside=lambda w: w.object_of(Offer, K.NETWORK),
    ),
    Row(
        StockImportUploadForm,
        "lot",
        "offers:import_index",
        "post",
        Role.SITE_MANAGER,
        make=lambda w, data, m: StockImportUploadForm(data, {}, membership=m),
        outside=lambda w: _lot(w.others[K.SITE]),
        inside=lambda w: _lot(_site(w)),
    ),
    Row(
        SingleReceiptForm,
        "site",
        "offers:receive_one",
        "post",
        Role.NETWORK_ADMIN,
        make=lambda w, data, m: SingleReceiptForm(data, membership=m),
        outside=lambda w: w.foreign[K.SITE],
        inside=_site,
    ),
    Row(
        SingleReceiptForm,
        "offer",
        "offers:receive_one",
        "post",
        Role.SITE_MANAGER,
        make=lambda w, data, m: SingleReceiptForm(data, membership=m),
        outside=lambda w: w.object_of_other(Offer, K.NETWORK),
        inside=lambda w: w.object_of(Offer, K.NETWORK),
    ),
    Row(
        SingleReceiptForm,
        "lot",
        "offers:receive_one",
        "post",
        Role.SITE_MANAGER,
        make=lambda w, data, m: SingleReceiptForm(data, membership=m),
        outside=lambda w: _lot(w.others[K.SITE]),
        inside=lambda w: _lot(_site(w)),
    ),
    Row(
        StockTransferForm,
        "from_site",
        "offers:transfer_create",
        "post",
        Role.NETWORK_ADMIN,
        make=lambda w, data, m: StockTransferForm(data, membership=m),
        outside=lambda w: w.foreign[K.SITE],
        inside=_site,
    ),
    Row(
        StockTransferForm,
        "to_site",
        "offers:transfer_create",
        "post",
        Role.SITE_MANAGER,
        make=lambda w, data, m: StockTransferForm(data, membership=m),
        outside=lambda w: w.foreign[K.SITE],
        inside=lambda w: w.others[K.SITE],
    ),
    Row(
        HubSettingsForm,
        "hub",
        "offers:hub_settings",
        "post",
        Role.NETWORK_ADMIN,
        make=lambda w, data, m: HubSettingsForm(data, membership=m),
        outside=lambda w: w.foreign[K.SITE],
        inside=_site,
    ),
    Row(
        OfferForm,
        "sites",
        "offers:offer_create",
        "post",
        Role.NETWORK_ADMIN,
        make=_offer_form,
        outside=lambda w: w.foreign[K.SITE],
        inside=_site,
    ),
    # Id fields that are plain choices built from scoped candidates (radio or hidden).
    Row(
        CameForm,
        "file",
        "referrals:mark_came",
        "post",
        Role.SITE_MANAGER,
        make=lambda w, data, m: CameForm(data, candidates=_came_candidates(w)),
        outside=lambda w: w.object_of_other(Beneficiary, K.SITE),
        inside=lambda w: w.object_of(Beneficiary, K.SITE),
    ),
    Row(
        MergeForm,
        "duplicate",
        "beneficiaries:merge",
        "post",
        Role.SITE_MANAGER,
        make=lambda w, data, m: MergeForm(
            data, membership=m, beneficiary=w.object_of(Beneficiary, K.SITE), candidates=[]
        ),
        outside=lambda w: w.object_of_other(Beneficiary, K.SITE),
        # No control: merging needs a second file of the site, which the world does not hold.
        inside=lambda w: None,
        url_kwargs=lambda w: {"pk": w.object_of(Beneficiary, K.SITE).pk},
    ),
    # --- stock (issue 10, stock) ---
    Row(
        stock_forms.StockFilterForm,
        "site",
        "offers:stock_list",
        "get",
        Role.NETWORK_ADMIN,
        make=lambda w, data, m: stock_forms.StockFilterForm(data, membership=m),
        outside=lambda w: w.foreign[K.SITE],
        inside=_site,
    ),
    Row(
        stock_forms.DeviceSearchForm,
        "site",
        "offers:device_search",
        "get",
        Role.NETWORK_ADMIN,
        make=lambda w, data, m: stock_forms.DeviceSearchForm(data, membership=m),
        outside=lambda w: w.foreign[K.SITE],
        inside=_site,
    ),
    Row(
        stock_forms.VoucherFilterForm,
        "site",
        "offers:voucher_overview",
        "get",
        Role.NETWORK_ADMIN,
        make=lambda w, data, m: stock_forms.VoucherFilterForm(data, membership=m),
        outside=lambda w: w.foreign[K.SITE],
        inside=_site,
    ),
    Row(
        stock_forms.MovementFilterForm,
        "site",
        "offers:movement_list",
        "get",
        Role.NETWORK_ADMIN,
        make=lambda w, data, m: stock_forms.MovementFilterForm(data, membership=m),
        outside=lambda w: w.foreign[K.SITE],
        inside=_site,
    ),
    Row(
        stock_forms.ReserveUnitsForm,
        "site",
        "offers:reservation_list",
        "post",
        Role.NETWORK_ADMIN,
        make=lambda w, data, m: stock_forms.ReserveUnitsForm(data, membership=m),
        outside=lambda w: w.foreign[K.SITE],
        inside=_site,
    ),
    Row(
        stock_forms.StockOutForm,
        "site",
        "offers:stock_out",
        "post",
        Role.NETWORK_ADMIN,
        make=lambda w, data, m: stock_forms.StockOutForm(data, membership=m),
        outside=lambda w: w.foreign[K.SITE],
        inside=_site,
    ),
    Row(
        stock_forms.ReturnForm,
        "site",
        "offers:stock_return",
        "post",
        Role.NETWORK_ADMIN,
        make=lambda w, data, m: stock_forms.ReturnForm(data, membership=m),
        outside=lambda w: w.foreign[K.SITE],
        inside=_site,
    ),
    Row(
        stock_forms.CountStartForm,
        "site",
        "offers:count_list",
        "post",
        Role.NETWORK_ADMIN,
        make=lambda w, data, m: stock_forms.CountStartForm(data, membership=m),
        outside=lambda w: w.foreign[K.SITE],
        inside=_site,
    ),
    Row(
        stock_forms.StockFilterForm,
        "offer",
        "offers:stock_list",
        "get",
        Role.SITE_MANAGER,
        make=lambda w, data, m: stock_forms.StockFilterForm(data, membership=m),
        outside=lambda w: w.object_of_other(Offer, K.NETWORK),
        inside=_network_offer,
    ),
    Row(
        stock_forms.VoucherFilterForm,
        "offer",
        "offers:voucher_overview",
        "get",
        Role.SITE_MANAGER,
        make=lambda w, data, m: stock_forms.VoucherFilterForm(data, membership=m),
        outside=lambda w: w.object_of_other(Offer, K.NETWORK),
        inside=_voucher_offer,
    ),
    Row(
        stock_forms.MovementFilterForm,
        "offer",
        "offers:movement_list",
        "get",
        Role.SITE_MANAGER,
        make=lambda w, data, m: stock_forms.MovementFilterForm(data, membership=m),
        outside=lambda w: w.object_of_other(Offer, K.NETWORK),
        inside=_network_offer,
    ),
    Row(
        stock_forms.ReserveUnitsForm,
        "offer",
        "offers:reservation_list",
        "post",
        Role.SITE_MANAGER,
        make=lambda w, data, m: stock_forms.ReserveUnitsForm(data, membership=m),
        outside=lambda w: w.object_of_other(Offer, K.NETWORK),
        inside=_voucher_offer,
    ),
    Row(
        stock_forms.StockOutForm,
        "offer",
        "offers:stock_out",
        "post",
        Role.SITE_MANAGER,
        make=lambda w, data, m: stock_forms.StockOutForm(data, membership=m),
        outside=lambda w: w.object_of_other(Offer, K.NETWORK),
        inside=_quantity_offer,
    ),
    Row(
        stock_forms.ReturnForm,
        "offer",
        "offers:stock_return",
        "post",
        Role.SITE_MANAGER,
        make=lambda w, data, m: stock_forms.ReturnForm(data, membership=m),
        outside=lambda w: w.object_of_other(Offer, K.NETWORK),
        inside=_quantity_offer,
    ),
    # The programme dashboard's filters (issue 15): the site and the group are those of the
    # chosen programme's cohorts that the reader may see.
    Row(
        DashboardFilterForm,
        "programme",
        "training:dashboard",
        "get",
        Role.NETWORK_ADMIN,
        make=lambda w, data, m: DashboardFilterForm(data, membership=m),
        outside=lambda w: w.object_of_other(Programme, K.NETWORK),
        inside=lambda w: w.object_of(Programme, K.NETWORK),
    ),
    Row(
        DashboardFilterForm,
        "site",
        "training:dashboard",
        "get",
        Role.NETWORK_ADMIN,
        make=lambda w, data, m: DashboardFilterForm(data, membership=m),
        outside=lambda w: w.others[K.SITE],
        inside=_site,
        data=lambda w: {"programme": value_of(w.object_of(Cohort, K.SITE).programme)},
    ),
    Row(
        DashboardFilterForm,
        "cohort",
        "training:dashboard",
        "get",
        Role.NETWORK_ADMIN,
        make=lambda w, data, m: DashboardFilterForm(data, membership=m),
        outside=lambda w: w.object_of_other(Cohort, K.SITE),
        inside=lambda w: w.object_of(Cohort, K.SITE),
        data=lambda w: {"programme": value_of(w.object_of(Cohort, K.SITE).programme)},
    ),
    # Figures from before Tisser (issue 16, EXPORTS): the site is one of the network's.
    Row(
        HistoricFigureForm,
        "site",
        "reporting:historic_create",
        "post",
        Role.NETWORK_ADMIN,
        make=lambda w, data, m: HistoricFigureForm(data, membership=m),
        outside=lambda w: w.foreign[K.SITE],
        inside=_site,
        data=lambda w: _historic_data(),
    ),
    Row(
        HistoricFigureForm,
        "site",
        "reporting:historic_edit",
        "post",
        Role.NETWORK_ADMIN,
        make=lambda w, data, m: HistoricFigureForm(data, membership=m),
        outside=lambda w: w.foreign[K.SITE],
        inside=_site,
        url_kwargs=lambda w: {"pk": w.object_of(HistoricFigure, K.SITE).pk},
        data=lambda w: _historic_data(),
    ),
]


def _figures_form(kind):
    return lambda w, data, m: FiguresFilterForm(data, scope=reader_scope(m), kind=kind)


def _covered_site(world):
    """Site A1, covered by a convention of funder A1 (made for the test, rolled back)."""
    from tests.funding.factories import ConventionFactory

    ConventionFactory(funder=world.owners[K.FUNDER], sites=[_site(world)])
    return _site(world)


# The figures' dashboards (issue 16, decision 0055): every choice is cut to the reader's
# scope; a funder picks only the sites its conventions cover.
ROWS += [
    Row(
        FiguresFilterForm,
        "espace",
        "reporting:network",
        "get",
        Role.NETWORK_ADMIN,
        make=_figures_form(NETWORK),
        outside=lambda w: w.foreign[K.SITE],
        inside=_site,
    ),
    Row(
        FiguresFilterForm,
        "espace",
        "reporting:funder",
        "get",
        Role.FUNDER_VIEWER,
        make=_figures_form(FUNDER),
        outside=lambda w: w.others[K.SITE],
        inside=_covered_site,
    ),
    Row(
        FiguresFilterForm,
        "programme",
        "reporting:network",
        "get",
        Role.NETWORK_ADMIN,
        make=_figures_form(NETWORK),
        outside=lambda w: w.object_of_other(Programme, K.NETWORK),
        inside=lambda w: w.object_of(Programme, K.NETWORK),
    ),
    Row(
        FiguresFilterForm,
        "partenaire",
        "reporting:network",
        "get",
        Role.NETWORK_ADMIN,
        make=_figures_form(NETWORK),
        outside=lambda w: w.foreign[K.PARTNER],
        inside=lambda w: w.owners[K.PARTNER],
    ),
    Row(
        FiguresFilterForm,
        "financeur",
        "reporting:funder",
        "get",
        Role.NETWORK_ADMIN,
        make=_figures_form(FUNDER),
        outside=lambda w: w.foreign[K.FUNDER],
        inside=lambda w: w.owners[K.FUNDER],
    ),
]

# The dashboard answers a programme out of reach (or absurd) with a 404, as for any object
# out of scope (tests/training/test_dashboard_views.py), not with a form error.
HTTP_ROWS = [
    row
    for row in ROWS
    if row.form not in (CameForm, MergeForm) and str(row) != "DashboardFilterForm.programme"
]


def test_every_id_field_has_a_row_and_is_bounded():
    form_classes = checks.tisser_form_classes()
    assert checks.model_choice_fields(form_classes), "the walk found no form"
    missing = checks.fields_without_case(form_classes, ROWS)
    assert not missing, f"Add a row to this table for: {missing}"
    unbounded = checks.unbounded_choice_fields(form_classes)
    assert not unbounded, f"Use tisser.core.ids.IdChoiceField for: {unbounded}"


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_an_out_of_scope_id_is_a_form_error(shared, row):
    assert not checks.row_problems(row, shared)


def bound_forms(response, form_class) -> list[BaseForm]:
    found = []
    for context in response.context or []:
        for value in context.flatten().values():
            if isinstance(value, form_class) and value.is_bound:
                found.append(value)
    return found


@pytest.mark.parametrize("value", ["outside", "big"])
@pytest.mark.parametrize("row", HTTP_ROWS, ids=str)
def test_the_page_answers_with_the_error_and_changes_nothing(shared, sign_in, client, row, value):
    membership = shared.member(row.role) if row.role else None
    if membership is not None:
        client = sign_in(membership.user, membership)
    sent = value_of(row.outside(shared)) if value == "outside" else BIG_ID
    model = row.make(shared, {}, membership).fields[row.field].queryset.model
    counts = (JournalEntry.objects.count(), model._default_manager.count())
    data = {**row.data(shared), row.field: sent}

    response = getattr(client, row.method)(reverse(row.url, kwargs=row.url_kwargs(shared)), data)

    assert response.status_code in (200, 400), response.status_code
    forms = bound_forms(response, row.form)
    assert forms, f"{row.url} did not show its {row.form.__name__}"
    assert all(row.field in form.errors for form in forms), [f.errors for f in forms]
    assert (JournalEntry.objects.count(), model._default_manager.count()) == counts
