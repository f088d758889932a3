import secrets

from django.conf import settings


class SecurityHeadersMiddleware:
    """Content-Security-Policy with a per-request nonce, plus no-store for private pages.

    Templates put ``nonce="{{ csp_nonce }}"`` on the rare inline script; everything else
    comes from our own origin.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        content_type = response.get("Content-Type", "")
        if content_type.startswith("text/html"):
            response["Content-Security-Policy"] = self.policy(request.csp_nonce)
        response.setdefault("X-Content-Type-Options", "nosniff")
        response.setdefault("Referrer-Policy", settings.SECURE_REFERRER_POLICY)
        if request.user.is_authenticated or getattr(request, "personal_data", False):
            # Signed-in pages can show personal data: never keep them in a shared cache.
            response["Cache-Control"] = "no-store"
        return response

    @staticmethod
    def policy(nonce: str) -> str:
        return "; ".join(
            [
                "default-src 'self'",
                f"script-src 'self' 'nonce-{nonce}'",
                f"style-src 'self' 'nonce-{nonce}'",
                "img-src 'self' data:",
                "object-src 'none'",
                "base-uri 'none'",
                "frame-ancestors 'none'",
                "form-action 'self'",
            ]
        )
