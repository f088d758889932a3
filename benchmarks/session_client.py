"""The benchmarks' HTTP client: one person's browser or phone over a keep-alive connection
to the local server, with their session and CSRF cookies; a form post is followed to the
page it redirects to, and the whole step is timed (bench_counter, bench_modules)."""

from __future__ import annotations

import http.client
import re
import secrets
import time
import urllib.parse

from benchmarks.bench_referrals import REQUEST_TIMEOUT


class FlowClient:
    """One mediator's browser: a keep-alive connection, the session and CSRF cookies, form
    posts followed by the page they redirect to."""

    def __init__(self, port: int, session: str = ""):
        self.port = port
        self.csrf = secrets.token_hex(16)  # 32 characters: a valid unmasked CSRF secret
        self.conn: http.client.HTTPConnection | None = None
        self.sign_in(session)

    def sign_in(self, session: str) -> None:
        """Act as another signed-in person on the same connection (a session cookie)."""
        self.cookie = f"sessionid={session}; csrftoken={self.csrf}"

    def _send(self, method: str, path: str, body: str | None) -> tuple[int, str, bytes]:
        headers = {"Cookie": self.cookie}
        if method == "POST":
            headers.update(
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "X-CSRFToken": self.csrf,
                }
            )
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=REQUEST_TIMEOUT
                )
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                location = response.getheader("Location", "")
                if response.getheader("Connection", "").lower() == "close":
                    self.close()
                return response.status, location, data
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def step(self, method: str, path: str, form: dict | None = None) -> tuple[str, str, float]:
        """(final path, page text, milliseconds): the request and the redirects it leads to."""
        started = time.perf_counter()
        body = urllib.parse.urlencode(form or {}, doseq=True) if method == "POST" else None
        status, location, data = self._send(method, path, body)
        hops = 0
        while status in (301, 302, 303) and hops < 3:
            path = urllib.parse.urlparse(location).path or location
            status, location, data = self._send("GET", path, None)
            hops += 1
        elapsed = (time.perf_counter() - started) * 1000
        text = data.decode("utf-8", "replace")
        if status != 200:
            raise FlowError(f"{method} {path}: HTTP {status}: {page_message(text)}")
        return path, text, elapsed

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class FlowError(Exception):
    pass


def page_message(text: str) -> str:
    """What the page says went wrong (the form's error summary, else an error message)."""
    found = re.search(r'class="error-summary".*?</div>', text, re.S) or re.search(
        r'class="[^"]*error[^"]*"[^>]*>.*?</(?:p|div|li)>', text, re.S
    )
    chunk = found.group(0) if found else text[:400]
    return " ".join(re.sub(r"<[^>]+>", " ", chunk).split())[:300]
