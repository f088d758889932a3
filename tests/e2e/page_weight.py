"""Page weight as Chromium counts it, on a server set up like production.

``production_server`` serves the app in a thread with the production static setup:
``collectstatic`` into a temporary directory with WhiteNoise's compressed manifest storage
(hashed names, gzip files, far-future ``Cache-Control: immutable``), DEBUG off, the real
middleware. HTML is measured as the application sends it (uncompressed: nginx's gzip
would only make it smaller).

``Meter`` adds up Chrome's ``encodedDataLength`` (bytes on the wire, headers included) of
every response a navigation loads, through the DevTools protocol.
"""

import threading
from dataclasses import dataclass, field

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.db import connections


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture
def production_server(transactional_db, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = False
    settings.WHITENOISE_AUTOREFRESH = False
    call_command("collectstatic", interactive=False, verbosity=0)
    shared = {
        conn.alias: conn
        for conn in connections.all()
        if conn.vendor == "sqlite" and conn.is_in_memory_db()
    }
    for conn in shared.values():
        conn.inc_thread_sharing()
    server = ThreadedWSGIServer(
        ("127.0.0.1", 0), QuietHandler, allow_reuse_address=False, connections_override=shared
    )
    server.set_app(WSGIHandler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    for conn in shared.values():
        conn.dec_thread_sharing()


@dataclass
class Meter:
    """Bytes received per URL since the last ``reset``."""

    cdp: object
    sizes: dict = field(default_factory=dict)
    urls: dict = field(default_factory=dict)

    def __post_init__(self):
        self.cdp.send("Network.enable")
        self.cdp.on("Network.responseReceived", self._response)
        self.cdp.on("Network.loadingFinished", self._finished)

    def _response(self, event):
        self.urls[event["requestId"]] = event["response"]["url"]

    def _finished(self, event):
        url = self.urls.get(event["requestId"], event["requestId"])
        self.sizes[url] = self.sizes.get(url, 0) + int(event["encodedDataLength"])

    def reset(self, *, empty_cache: bool = False):
        if empty_cache:
            self.cdp.send("Network.clearBrowserCache")
        self.sizes = {}
        self.urls = {}

    @property
    def total(self) -> int:
        return sum(self.sizes.values())

    def report(self) -> str:
        return ", ".join(f"{url.split('/', 3)[-1]}: {size} B" for url, size in self.sizes.items())
