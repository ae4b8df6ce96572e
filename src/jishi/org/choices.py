"""Choices of the org domain (codes in English, labels in Chinese)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    CITY = "city", _("市")
    TOWN = "town", _("镇/街道")
    VILLAGE = "village", _("村/社区")
    GRID = "grid", _("网格")
    MICROGRID = "microgrid", _("微网格")


LEVEL_ORDER = [Level.CITY, Level.TOWN, Level.VILLAGE, Level.GRID, Level.MICROGRID]
CHILD_LEVEL = {LEVEL_ORDER[i]: LEVEL_ORDER[i + 1] for i in range(len(LEVEL_ORDER) - 1)}


class RegionKind(models.TextChoices):
    CITY = "city", _("县级市")
    TOWN = "town", _("镇")
    SUBDISTRICT = "subdistrict", _("街道")
    VILLAGE = "village", _("行政村")
    COMMUNITY = "community", _("社区")
    GRID = "grid", _("网格")
    MICROGRID = "microgrid", _("微网格")


class Role(models.TextChoices):
    RESIDENT = "resident", _("居民/村民")
    INFORMANT = "informant", _("小蜜蜂")
    VOLUNTEER = "volunteer", _("微网格志愿者")
    MICROGRID_LIAISON = "microgrid_liaison", _("微网格联络员")
    GRID_WORKER = "grid_worker", _("专职网格员")
    GRID_LEADER = "grid_leader", _("网格长")
    VILLAGE_CADRE = "village_cadre", _("村(社区)干部")
    TOWN_COMMANDER = "town_commander", _("镇(街道)指挥中心")
    DEPARTMENT_HANDLER = "department_handler", _("职能部门/派驻单位")
    CITY_COMMANDER = "city_commander", _("市城运中心")
    MERCHANT = "merchant", _("积分超市/商户")
    ADMIN = "admin", _("系统管理员")
    LINE_SPECIALIST = "line_specialist", _("条线专业力量")


# The level of region each role is assigned to (None: assigned to a department or to nothing).
ROLE_LEVEL = {
    Role.VOLUNTEER: Level.MICROGRID,
    Role.MICROGRID_LIAISON: Level.MICROGRID,
    Role.GRID_WORKER: Level.GRID,
    Role.GRID_LEADER: Level.GRID,
    Role.LINE_SPECIALIST: Level.GRID,
    Role.VILLAGE_CADRE: Level.VILLAGE,
    Role.TOWN_COMMANDER: Level.TOWN,
    Role.CITY_COMMANDER: Level.CITY,
    Role.ADMIN: Level.CITY,
}


class PartyOrgKind(models.TextChoices):
    COMMITTEE = "committee", _("镇(街道)党(工)委")
    VILLAGE_COMMITTEE = "village_committee", _("村(社区)党委/党总支/党支部")
    GRID_ORG = "grid_org", _("网格党组织")
    PIONEER_POST = "pioneer_post", _("先锋驿站")
    PARTY_HOUSEHOLD = "party_household", _("党员中心户")


class DepartmentKind(models.TextChoices):
    FUNCTIONAL = "functional", _("市职能部门")
    DISPATCHED = "dispatched", _("派驻单位")
    TOWN_OFFICE = "town_office", _("镇(街道)内设机构")
    ENTERPRISE = "enterprise", _("公共服务企业")


class VenueKind(models.TextChoices):
    PARTY_MASS_CENTRE = "party_mass_centre", _("党群服务中心")
    PIONEER_STATION = "pioneer_station", _("先锋驿站")
    NEIGHBOURHOOD_POINT = "neighbourhood_point", _("邻里服务点")
    MEDIATION_STUDIO = "mediation_studio", _("调解工作室")
    INFORMANT_STATION = "informant_station", _("小蜜蜂驿站")
    CARING_MERCHANT = "caring_merchant", _("爱心商家")  # 爱心餐厅/药店/超市 that serve the 小蜜蜂 and the needy


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")
