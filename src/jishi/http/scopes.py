"""The token scopes the API offers (what a token or port may be granted), with their labels."""

from django.utils.translation import gettext_noop

SCOPES: dict[str, str] = {
    "cases:read": gettext_noop("读取事件"),
    "cases:write": gettext_noop("上报事件"),
    "cases:act": gettext_noop("办理事件（立案、派遣、签收、处置、核查、结案、评价等）"),
    "org:read": gettext_noop("读取区域、人员、部门"),
    "points:read": gettext_noop("读取积分"),
    "points:post": gettext_noop("记录积分"),
    "cockpit:read": gettext_noop("读取驾驶舱数据"),
    "notify:read": gettext_noop("读取和处理消息"),
    "visits:read": gettext_noop("读取走访轮次、分配、记录和覆盖"),
    "visits:write": gettext_noop("记录走访、安排和调整走访"),
    "mediation:read": gettext_noop("读取矛盾纠纷调处和议事会"),
    "mediation:write": gettext_noop("登记和办理矛盾纠纷、记录议事会"),
    "venues:read": gettext_noop("读取服务阵地、预约和8分钟服务圈覆盖"),
    "venues:write": gettext_noop("登记服务阵地、预约活动室"),
    "evaluation:read": gettext_noop("读取智慧社区评价体系、评价和星级"),
    "evaluation:write": gettext_noop("社区自评、镇街审核、市级确认和维护评价体系"),
    "engage:read": gettext_noop("读取微心愿、需求资源清单和微项目"),
    "engage:write": gettext_noop("提出和办理微心愿，登记需求资源，发布和揭榜微项目"),
    "blueprint:read": gettext_noop("读取书记项目、共富基金和毗邻党建联盟"),
    "blueprint:write": gettext_noop("办理书记项目、共富基金和联盟问题"),
    "party:read": gettext_noop("读取党组织、组织生活和在职党员报到"),
    "party:write": gettext_noop("记录组织生活，在职党员报到、服务登记和核实"),
    "cadres:read": gettext_noop("读取干部队伍建设：招录、储备库、墩苗、学看比拼和干部档案"),
    "cadres:write": gettext_noop("办理招录、储备人员评价和使用、墩苗挂职、学看比拼评分"),
    "bees:read": gettext_noop("读取小蜜蜂驿站、登记、爱心商家和关爱基金"),
    "bees:write": gettext_noop("小蜜蜂登记与审核、公益积分兑换、关爱救助申请与发放"),
    "burden:read": gettext_noop("读取自动台账、数据填报需求和填报情况"),
    "burden:write": gettext_noop("发起和催报数据填报需求、村里填报和提交"),
}
