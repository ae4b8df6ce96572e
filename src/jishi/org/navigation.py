"""The import page's navigation entry (policy.IMPORT_ROLES)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jishi.core.nav import register_nav
from jishi.org.policy import IMPORT_ROLES


def register() -> None:
    register_nav("import", _("数据导入"), "org-import", order=70, visible=lambda a: a.has_any(IMPORT_ROLES))
