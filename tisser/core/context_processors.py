def security(request):
    return {"csp_nonce": getattr(request, "csp_nonce", "")}
