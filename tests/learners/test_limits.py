"""Brute force on the sign-in: per device, per code (and half-code), per address, the link."""

import pytest

from tests.learners.factories import LearnerCardFactory
from tisser.learners import codes, limits

pytestmark = pytest.mark.django_db
HOME = "/apprendre/accueil/"


def wrong_codes(count, *, avoid=()):
    """Well-formed codes that belong to no card (distinct, so only the device counts)."""
    made = []
    index = 0
    while len(made) < count:
        seed = f"{index:064x}"
        code = codes.code_from_seed(seed)
        if code not in avoid:
            made.append(code)
        index += 1
    return made


def device(client, name):
    client.cookies[limits.DEVICE_COOKIE] = (name * 22)[:22]
    return client


def test_one_device_is_stopped_after_ten_codes_in_a_quarter_of_an_hour(client, card, fake_clock):
    device(client, "a")
    for code in wrong_codes(limits.DEVICE_LIMIT, avoid={card.code}):
        assert client.post("/apprendre/", {"code": code}).status_code == 400
    refused = client.post("/apprendre/", {"code": card.code})
    assert refused.status_code == 429
    assert "Trop d&#x27;essais depuis cet appareil" in refused.content.decode()
    assert client.get(HOME).status_code == 404  # even the right code waits
    fake_clock.advance(minutes=15)
    assert client.post("/apprendre/", {"code": card.code}).status_code == 302


def test_another_device_on_the_same_address_is_not_stopped(client, card):
    device(client, "a")
    for code in wrong_codes(limits.DEVICE_LIMIT + 1, avoid={card.code}):
        client.post("/apprendre/", {"code": code})
    device(client, "b")
    assert client.post("/apprendre/", {"code": card.code}).status_code == 302


def test_without_a_cookie_every_attempt_of_an_address_is_one_device(client, card):
    for code in wrong_codes(limits.DEVICE_LIMIT, avoid={card.code}):
        client.cookies.pop(limits.DEVICE_COOKIE, None)
        client.post("/apprendre/", {"code": code})
    client.cookies.pop(limits.DEVICE_COOKIE, None)
    assert client.post("/apprendre/", {"code": card.code}).status_code == 429


def test_a_code_tried_from_many_devices_locks_for_an_hour(client, card, fake_clock):
    target = wrong_codes(1, avoid={card.code})[0]
    for index in range(limits.CODE_LIMIT):
        device(client, "cdefghijk"[index])
        assert client.post("/apprendre/", {"code": target}).status_code == 400
    device(client, "z")
    assert client.post("/apprendre/", {"code": target}).status_code == 429
    fake_clock.advance(hours=1)
    assert client.post("/apprendre/", {"code": target}).status_code == 400


def test_half_a_code_known_cannot_be_completed_from_many_devices(client, card, fake_clock):
    """Someone who saw the first group of a card tries the second from many phones."""
    first = card.code[:4]
    tried = [first + rest[4:] for rest in wrong_codes(200, avoid={card.code})]
    tried = [code for code in dict.fromkeys(tried) if code != card.code][: limits.GROUP_LIMIT]
    for index, code in enumerate(tried):
        client.cookies[limits.DEVICE_COOKIE] = f"{index:022d}"
        assert client.post("/apprendre/", {"code": code}).status_code == 400
    client.cookies[limits.DEVICE_COOKIE] = "n" * 22
    assert client.post("/apprendre/", {"code": card.code}).status_code == 429
    fake_clock.advance(hours=1)
    assert client.post("/apprendre/", {"code": card.code}).status_code == 302


def test_one_address_is_stopped_after_sixty_codes_an_hour(client, card, fake_clock):
    tried = wrong_codes(limits.GUARD.limit, avoid={card.code})
    for index, code in enumerate(tried):
        client.cookies[limits.DEVICE_COOKIE] = f"{index:022d}"
        assert client.post("/apprendre/", {"code": code}).status_code == 400
    client.cookies[limits.DEVICE_COOKIE] = "q" * 22
    assert client.post("/apprendre/", {"code": card.code}).status_code == 429
    other = client.post("/apprendre/", {"code": card.code}, REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 302


def test_typing_mistakes_cost_nothing(client, card):
    device(client, "a")
    for _ in range(limits.DEVICE_LIMIT * 2):
        assert client.post("/apprendre/", {"code": "AB0"}).status_code == 400
    assert client.post("/apprendre/", {"code": card.code}).status_code == 302


def test_the_link_is_limited_per_device(client, card):
    device(client, "a")
    for _ in range(limits.LINK_LIMIT):
        assert client.post("/apprendre/carte/" + "x" * 43 + "/").status_code == 404
    assert client.post(f"/apprendre/carte/{card.token}/").status_code == 429
    assert client.get(HOME).status_code == 404


def test_an_attack_on_codes_does_not_stop_the_qr_link(client, card):
    device(client, "a")
    for code in wrong_codes(limits.DEVICE_LIMIT + 1, avoid={card.code}):
        client.post("/apprendre/", {"code": code})
    assert client.post(f"/apprendre/carte/{card.token}/").status_code == 302


def test_a_card_is_not_found_by_another_cards_code(client):
    first, second = LearnerCardFactory(), LearnerCardFactory()
    assert first.code != second.code
    client.post("/apprendre/", {"code": second.code})
    from tisser.learners import session

    assert client.session[session.CARD_KEY] == second.pk
