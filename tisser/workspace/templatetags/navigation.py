"""``{% load navigation %}{% staff_nav %}``: the staff area's navigation, drawn in Python.

The navigation is on every signed-in page. As a template (``includes/nav_staff.html``, now
gone) it cost two milliseconds a page: a dozen ``{% url %}`` resolved each time and forty
role comparisons through the template engine, about a tenth of the site inbox
(docs/decisions/0018-signed-in-page-cost.md, third round). Here the entries are a table,
the links are resolved once per process (``core.links``), and the HTML is the same.

Every entry of the staff area is a line of ``ENTRIES``, in the order of the menu.
"""

import html
from dataclasses import dataclass

from django import template
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_noop

from tisser.accounts.enums import Role
from tisser.core.links import fixed_url, id_url

register = template.Library()

NA, SM, MED, VOL, PR, FV, ACC = (
    Role.NETWORK_ADMIN,
    Role.SITE_MANAGER,
    Role.MEDIATOR,
    Role.VOLUNTEER,
    Role.PARTNER_REFERRER,
    Role.FUNDER_VIEWER,
    Role.ACCOUNTANT,
)
EVERY_ROLE = tuple(Role.values)


@dataclass(frozen=True)
class Entry:
    view_name: str
    label: str  # msgid, translated when drawn
    roles: frozenset
    # "activities:" (or several prefixes): every page of the app marks the entry.
    current_prefix: str | tuple[str, ...] = ""
    with_site: bool = False  # the URL takes the member's site id (``pk``)
    badge: str = ""  # key of ``referral_counts``
    badge_text: str = ""  # msgid read by screen readers after the count
    role_label: tuple[str, str] = ("", "")  # (role, msgid): another label for that role


def _entry(view_name, label, *roles, **options) -> Entry:
    return Entry(view_name, label, frozenset(roles), **options)


# In the order of the menu. Labels are message ids (gettext_noop), translated when drawn.
ENTRIES = (
    _entry("workspace:home", gettext_noop("Accueil"), *EVERY_ROLE),
    _entry("accounts:site_list", gettext_noop("Espaces"), NA),
    _entry("accounts:partner_list", gettext_noop("Partenaires"), NA),
    _entry("accounts:funder_list", gettext_noop("Financeurs"), NA),
    _entry("workspace:journal", gettext_noop("Journal"), NA),
    _entry("accounts:site_edit", gettext_noop("Mon espace"), SM, with_site=True),
    _entry("accounts:member_list", gettext_noop("Membres"), NA, SM),
    _entry("referrals:partner_list", gettext_noop("Mes orientations"), PR),
    _entry("referrals:create", gettext_noop("Orienter une personne"), PR),
    _entry(
        "referrals:inbox",
        gettext_noop("Orientations"),
        NA,
        SM,
        MED,
        badge="new",
        badge_text=gettext_noop("à traiter"),
    ),
    _entry(
        "referrals:moderation_list",
        gettext_noop("Modération"),
        NA,
        badge="moderation",
        badge_text=gettext_noop("en attente"),
    ),
    _entry("referrals:help_requests_late", gettext_noop("Demandes d'aide en retard"), NA, SM),
    _entry("workspace:agenda", gettext_noop("Agenda"), SM, MED),
    _entry("activities:list", gettext_noop("Activités"), NA, SM, MED, current_prefix="activities:"),
    _entry(
        "beneficiaries:search",
        gettext_noop("Dossiers"),
        NA,
        SM,
        MED,
        VOL,
        current_prefix="beneficiaries:",
    ),
    _entry(
        "imports:index",
        gettext_noop("Importer une liste"),
        PR,
        SM,
        MED,
        NA,
        current_prefix="imports:",
    ),
    # Every item as the learner sees it (issue 12).
    _entry(
        "exercises:preview_list",
        gettext_noop("Exercices"),
        NA,
        SM,
        MED,
        VOL,
        current_prefix="exercises:",
    ),
    # Self-paced learning modules, groups and follow-up (issue 14).
    _entry(
        "modules:catalogue",
        gettext_noop("Modules"),
        NA,
        SM,
        MED,
        VOL,
        current_prefix="modules:",
    ),
    # Programmes, cohorts and workshops (issue 15).
    _entry(
        "training:cohort_list",
        gettext_noop("Formations"),
        NA,
        SM,
        MED,
        VOL,
        current_prefix="training:",
    ),
    # One-off workshops and their registrations (issue 15, helper W).
    _entry(
        "training:workshop_list",
        gettext_noop("Ateliers"),
        NA,
        SM,
        MED,
        current_prefix="training:workshop",
    ),
    # The programme dashboard and the referring partner's people in training (issue 15).
    _entry("training:dashboard", gettext_noop("Tableau de bord des formations"), NA, SM, FV),
    _entry("training:referred_people", gettext_noop("Personnes en formation"), PR),
    # Solidarity stock and funding (issue 10).
    _entry(
        "offers:stock_list",
        gettext_noop("Stock"),
        NA,
        SM,
        MED,
        VOL,
        ACC,
        current_prefix=(
            "offers:stock_",
            "offers:device_",
            "offers:voucher_",
            "offers:movement_",
            "offers:reservation_",
            "offers:threshold",
            "offers:count_",
        ),
    ),
    # The stock flow (decision 0040): receipts, hub orders and transfers, the catalogue.
    _entry(
        "offers:import_index",
        gettext_noop("Réceptions"),
        NA,
        SM,
        current_prefix=("offers:import_", "offers:receive_"),
    ),
    _entry(
        "offers:hub_order_list",
        gettext_noop("Commandes et transferts"),
        NA,
        SM,
        MED,
        current_prefix=("offers:hub_order_", "offers:transfer_"),
    ),
    _entry(
        "offers:catalogue",
        gettext_noop("Catalogue"),
        NA,
        SM,
        MED,
        VOL,
        current_prefix=("offers:catalogue", "offers:offer_", "offers:hub_settings"),
    ),
    _entry(
        "funding:convention_list",
        gettext_noop("Conventions"),
        NA,
        FV,
        current_prefix=("funding:convention_", "funding:dotation_"),
        role_label=(FV, gettext_noop("Mes conventions")),
    ),
    _entry("funding:donor_list", gettext_noop("Donateurs"), NA, current_prefix="funding:donor_"),
    _entry("funding:lot_list", gettext_noop("Dons reçus"), NA, SM, current_prefix="funding:lot_"),
    _entry(
        "funding:tax_receipt_list",
        gettext_noop("Reçus fiscaux"),
        NA,
        ACC,
        current_prefix="funding:tax_receipt_",
    ),
    # Solidarity access rights and quotas (issue 11).
    _entry(
        "sales:right_list",
        gettext_noop("Droits d'accès"),
        NA,
        SM,
        MED,
        VOL,
        current_prefix=(
            "sales:right",
            "sales:person",
            "sales:renewal",
            "sales:rule",
            "sales:settings",
        ),
    ),
    # The counter sale (issue 11, decision 0049).
    _entry(
        "sales:counter",
        gettext_noop("Comptoir"),
        NA,
        SM,
        MED,
        current_prefix=("sales:counter", "sales:sale_"),
    ),
    # After the sale (issue 11, decision 0050).
    _entry(
        "sales:box_list", gettext_noop("Abonnements box"), NA, SM, MED, current_prefix="sales:box_"
    ),
    _entry(
        "sales:return_list", gettext_noop("Retours"), NA, SM, MED, current_prefix="sales:return_"
    ),
    _entry("sales:cash_list", gettext_noop("Caisse"), NA, SM, MED, current_prefix="sales:cash_"),
    # The figures: dashboards and glossary (issue 16, decision 0055).
    _entry(
        "reporting:index",
        gettext_noop("Chiffres"),
        NA,
        SM,
        MED,
        FV,
        ACC,
        current_prefix="reporting:",
    ),
)


CURRENT = mark_safe(' aria-current="page"')


def entries_for(role: str) -> list[Entry]:
    return [entry for entry in ENTRIES if role in entry.roles]


def _item(entry: Entry, membership, view_name: str, counts) -> tuple:
    url = (
        id_url(entry.view_name, membership.organisation_id)
        if entry.with_site
        else fixed_url(entry.view_name)
    )
    current = (
        view_name.startswith(entry.current_prefix)
        if entry.current_prefix
        else view_name == entry.view_name
    )
    badge = ""
    if entry.badge:
        count = counts()[entry.badge] if counts else 0
        if count:
            badge = format_html(
                ' <span class="nav-badge">{}<span class="visually-hidden"> {}</span></span>',
                localize(count),
                mark_safe(gettext(entry.badge_text)),  # noqa: S308  # our msgid, as in a template
            )
    # A label is our own message id: drawn unescaped, as ``{% translate "…" %}`` draws it.
    msgid = entry.role_label[1] if entry.role_label[0] == membership.role else entry.label
    label = mark_safe(gettext(msgid))  # noqa: S308
    return (url, CURRENT if current else "", label, badge)


@register.simple_tag(takes_context=True)
def staff_nav(context):
    """The ``<li>`` entries of the member's role, the current page marked, the badges of the
    inbox and of moderation (``referral_counts``: read only when an entry shows it)."""
    membership = context.get("current_membership")
    if membership is None:
        return ""
    match = getattr(context.get("request"), "resolver_match", None)
    view_name = (match.view_name if match else "") or ""
    counts = context.get("referral_counts")
    # ``format_html_join`` without its escaping of what is already safe: the URL is escaped,
    # the mark, the label and the badge are safe strings (the same HTML).
    return mark_safe(  # noqa: S308
        "\n      ".join(
            f'<li><a href="{html.escape(url)}"{current}>{label}{badge}</a></li>'
            for url, current, label, badge in (
                _item(entry, membership, view_name, counts)
                for entry in entries_for(membership.role)
            )
        )
    )
