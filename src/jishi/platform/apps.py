from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "jishi.platform"  # label "api": its tables and migrations keep the name they were made with
    label = "api"
    verbose_name = _("开放接口")

    def ready(self) -> None:
        from jishi.http.auth import install_verifier
        from jishi.platform.tokens import verify

        install_verifier(verify)
        from jishi.core import attempts
        from jishi.platform.ratelimit import hit

        attempts.install(hit)  # the people search's number limit counts in the same shared store
        from jishi.core.nav import register_nav
        from jishi.org.policy import PORT_ADMIN_ROLES

        register_nav("ports", _("开放端口"), "ports", order=80, visible=lambda a: a.has_any(PORT_ADMIN_ROLES))
