"""The SMS provider's callback: public (no sign-in), authenticated by its HMAC signature."""

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from tisser.core.access import public
from tisser.notifications import callbacks

MAX_BODY_BYTES = 16 * 1024  # a report or a reply is a few hundred bytes


@public
@csrf_exempt  # a server-to-server call: the signature stands in for the CSRF token
@require_POST
def sms_callback(request):
    if len(request.body) > MAX_BODY_BYTES:
        return JsonResponse({"error": "too large"}, status=413)
    try:
        callbacks.verify(
            body=request.body,
            timestamp=request.headers.get(callbacks.TIMESTAMP_HEADER, ""),
            signature=request.headers.get(callbacks.SIGNATURE_HEADER, ""),
        )
    except callbacks.CallbackRefused:
        return JsonResponse({"error": "refused"}, status=403)
    try:
        outcome = callbacks.handle(request.body)
    except callbacks.CallbackInvalid as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    return JsonResponse({"ok": True, "action": outcome.action})
