"""Issue 10's stock journey in a real browser: a site manager receives a lot of devices from
a CSV file with its preview, orders two laptops from the hub; the hub's team prepares and
ships them; the site manager receives them. axe-core: no serious or critical violation on
each stock page visited."""

import pytest
from allauth.mfa.models import Authenticator

from tests.accounts.factories import MembershipFactory, NetworkFactory, SiteFactory
from tests.e2e.test_acceptance import current_totp, sign_in
from tests.offers.factories import OfferFactory, StockSettingsFactory
from tisser.accounts.enums import Role
from tisser.offers import receipts
from tisser.offers.enums import DeviceStatus, HubOrderStatus
from tisser.offers.models import Device, HubOrder, StockLevel
from tisser.offers.receipts import DeviceIn

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TOTP_SECRET = "JBSWY3DPEHPK3PXP"
PASSWORD = "un mot de passe de test assez long"
LOT_CSV = (
    b"numero_serie;marque;modele;grade;memoire_go\n"
    b"R9-0001;Lenovo;ThinkPad T480;B;8\n"
    b"R9-0002;Lenovo;ThinkPad T480;A;16\n"
    b"R9-0003;Dell;Latitude 5490;C;8\n"
)


def _member(organisation, role):
    member = MembershipFactory(organisation=organisation, role=role)
    member.user.set_password(PASSWORD)
    member.user.save()
    Authenticator.objects.create(
        user=member.user, type=Authenticator.Type.TOTP, data={"secret": TOTP_SECRET}
    )
    return member


@pytest.fixture
def stock_world():
    network = NetworkFactory(name="Réseau stock e2e")
    site = SiteFactory(network=network, name="Espace Gare", short_code="GAR")
    hub = SiteFactory(network=network, name="Atelier du réseau", short_code="ATL")
    StockSettingsFactory(network=network, hub=hub)
    laptop = OfferFactory(network=network, name="Ordinateur portable solidaire")
    laptop.sites.add(site)
    manager = _member(site, Role.SITE_MANAGER)
    hub_manager = _member(hub, Role.SITE_MANAGER)
    ready = receipts.devices_receive(
        actor=hub_manager,
        site=hub,
        offer=laptop,
        items=[DeviceIn(row=n, serial_number=f"HUB-{n}", brand="HP", grade="A") for n in range(3)],
    ).devices
    Device.objects.filter(pk__in=[d.pk for d in ready]).update(status=DeviceStatus.READY_TO_ORDER)
    return {
        "site": site,
        "hub": hub,
        "laptop": laptop,
        "manager": manager,
        "hub_manager": hub_manager,
    }


def _signed_in(new_page, member):
    page = new_page()
    sign_in(page, member.user.email, PASSWORD)
    page.wait_for_url("**/compte/2fa/authenticate/")
    page.locator("#id_code").fill(current_totp(TOTP_SECRET))
    page.get_by_role("button", name="Valider").click()
    page.wait_for_url("**/espace-pro/")
    return page


def _checked(page, assert_accessible):
    assert_accessible(page)
    assert not page.watcher.problems, page.watcher.problems


def test_receive_a_lot_order_from_the_hub_ship_and_receive(
    new_page, stock_world, assert_accessible
):
    world = stock_world
    page = _signed_in(new_page, world["manager"])

    # 1. Receive a lot from a CSV file, through its preview.
    page.get_by_role("link", name="Réceptions").click()
    page.wait_for_url("**/espace-pro/stock/imports/")
    _checked(page, assert_accessible)
    page.get_by_role("radio", name="des appareils").check()
    page.locator("#id_offer").select_option(label="Ordinateur portable solidaire")
    page.get_by_label("Fichier (CSV ou Excel .xlsx, 5 Mo au plus)").set_input_files(
        {"name": "lot-gare.csv", "mimeType": "text/csv", "buffer": LOT_CSV}
    )
    page.get_by_role("button", name="Voir l'aperçu").click()
    page.wait_for_url("**/espace-pro/stock/imports/*/")
    assert page.get_by_text("3 entreront en stock.").is_visible()
    _checked(page, assert_accessible)
    page.get_by_role("button", name="Confirmer la réception de 3 lignes").click()
    page.wait_for_url("**/espace-pro/stock/imports/")
    assert page.get_by_text("Import terminé : 3 ajouté(s) au stock").is_visible()
    assert (
        Device.objects.filter(site=world["site"], inventory_id__startswith="GAR-PC-").count() == 3
    )

    # 2. Order two laptops from the hub.
    page.get_by_role("link", name="Commandes et transferts").click()
    page.wait_for_url("**/espace-pro/stock/commandes/")
    _checked(page, assert_accessible)
    page.get_by_role("link", name="Commander des appareils à l'atelier").click()
    page.wait_for_url("**/commandes/nouvelle/")
    _checked(page, assert_accessible)
    page.get_by_label("Ordinateur portable solidaire : quantité").fill("2")
    page.get_by_role("button", name="Envoyer la commande").click()
    page.wait_for_url("**/espace-pro/stock/commandes/*/")
    order = HubOrder.objects.get()
    assert order.status == HubOrderStatus.SUBMITTED
    _checked(page, assert_accessible)

    # 3. The hub's team prepares (oldest first) and ships.
    hub_page = _signed_in(new_page, world["hub_manager"])
    hub_page.get_by_role("link", name="Commandes et transferts").click()
    hub_page.wait_for_url("**/espace-pro/stock/commandes/")
    assert hub_page.get_by_role("heading", name="Commandes à préparer").is_visible()
    _checked(hub_page, assert_accessible)
    hub_page.get_by_role("link", name=f"Commande n° {order.pk}").click()
    hub_page.get_by_role("button", name="Préparer", exact=True).click()
    assert hub_page.get_by_text("Commande préparée").is_visible()
    _checked(hub_page, assert_accessible)
    hub_page.get_by_role("button", name="Expédier la commande").click()
    assert hub_page.get_by_text("Commande expédiée").is_visible()
    order.refresh_from_db()
    assert order.status == HubOrderStatus.SHIPPED

    # 4. The site manager receives the delivery.
    page.reload()
    page.get_by_role("button", name="Confirmer la réception").click()
    assert page.get_by_text("Commande reçue : les appareils sont prêts à distribuer.").is_visible()
    _checked(page, assert_accessible)
    order.refresh_from_db()
    assert order.status == HubOrderStatus.RECEIVED
    level = StockLevel.objects.get(site=world["site"], offer=world["laptop"])
    assert level.on_hand == 5
    assert (
        Device.objects.filter(
            site=world["site"],
            status=DeviceStatus.READY_TO_DISTRIBUTE,
            inventory_id__startswith="ATL-",
        ).count()
        == 2
    )
    # The transfer page of the delivery reads well too.
    page.get_by_role("link", name=f"Transfert n° {order.transfer_id}").click()
    _checked(page, assert_accessible)
