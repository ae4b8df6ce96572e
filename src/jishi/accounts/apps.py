from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "jishi.accounts"
    label = "accounts"
    verbose_name = _("账号与入口")

    def ready(self) -> None:
        from jishi.accounts import hosts, signals

        hosts.host_roles()  # a bad JISHI_HOST_ROLES stops start-up with its name
        signals.connect()
