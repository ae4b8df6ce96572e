from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "jishi.notify"
    label = "notify"
    verbose_name = _("消息通知")

    def ready(self) -> None:
        from jishi.notify import case_notices

        case_notices.register()  # tells who must act of each case timeline row
