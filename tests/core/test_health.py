"""The health check for load balancers: database and cache, 200 or 503, nothing leaked."""

import pytest
from django.db import OperationalError, connection
from django.test import override_settings
from django.urls import reverse

from tisser.core.models import JournalEntry

URL = "/sante/"


def test_the_url_is_the_documented_one():
    assert reverse("health") == URL


@pytest.mark.django_db
def test_ok_when_database_and_cache_answer(client):
    entries = JournalEntry.objects.count()
    response = client.get(URL)
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"]
    # No session, no cookie, no journal entry.
    assert not response.cookies
    assert JournalEntry.objects.count() == entries


@pytest.mark.django_db
def test_head_is_answered_and_post_is_not(client):
    assert client.head(URL).status_code == 200
    assert client.post(URL).status_code == 405


@pytest.mark.django_db
def test_503_without_detail_when_the_cache_is_unreachable(client, caplog):
    unreachable = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            # Port 1 on loopback: nothing listens, the connection is refused at once.
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    with override_settings(CACHES=unreachable):
        response = client.get(URL)
    assert response.status_code == 503
    assert response.content == b"unavailable"
    assert "cache" in caplog.text  # the operator learns which part failed, from the log


@pytest.mark.django_db
def test_503_without_detail_when_the_database_is_unreachable(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection to server at 10.9.9.9 failed: secret detail")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get(URL)
    assert response.status_code == 503
    assert response.content == b"unavailable"
    assert b"10.9.9.9" not in response.content
