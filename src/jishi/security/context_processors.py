"""Template context: ``csp_nonce`` for the rare inline <script nonce="{{ csp_nonce }}">."""


def csp(request):
    return {"csp_nonce": getattr(request, "csp_nonce", "")}
