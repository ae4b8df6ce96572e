"""The demo's scheme: the "1+3+5+N" framework of the city's 智慧社区（数字乡村）建设规范 and 评价体系, as three
levels of indicators worth 100 points (docs/evaluation.md explains it).

- **1 平台** (20): one digital base — the grid, population and housing data on one map, and the closed loop
  of cases it runs (办结、按期、满意);
- **3 中心** (25): the 党群服务中心 with its 8-minute circle, the grid-governance centre (visits, grid force),
  the mediation centre (小事不出村);
- **5 场景** (40): 智慧党建, 智慧治理, 智慧服务, 智慧安防, 智慧康养 — 8 points each;
- **N 特色** (15): the community's own digital applications.

Level-3 rows: (code, name, points, source or "", rule, full, zero, must_pass, standard, advice).
"""

from __future__ import annotations

L3 = tuple[str, str, float, str, str, float | None, float | None, bool, str, str]

FRAMEWORK = (
    "“1+3+5+N”：1个智慧治理平台（数字底座+一网统管），3个中心（党群服务中心、网格治理中心、矛盾调解中心），"
    "5类智慧场景（党建、治理、服务、安防、康养），N项特色应用。三级指标，满分100分；"
    "90分以上五星、80分以上四星、70分以上三星、60分以上二星，其余一星；否决项未达标的最高评二星。")

TREE: list[tuple[str, str, list[tuple[str, str, list[L3]]]]] = [
    ("1", "一个平台：智慧治理平台", [
        ("1.1", "数字底座", [
            ("1.1.1", "人口、房屋、网格数据“一张图”完整准确", 4, "", "claim", None, None, False,
             "网格、微网格边界和户、人数据完整，随变动及时更新（抽查100户，准确率95%以上得满分）。",
             "组织网格员对照户籍和实有人口逐户核对，上传核对台账和抽查记录。"),
            ("1.1.2", "物联感知设备接入平台", 4, "", "claim", None, None, False,
             "烟感、水位、视频等感知设备接入平台并能自动生成事件。",
             "接入消防烟感、积水水位等设备，上传设备清单和自动生成事件的截图。"),
        ]),
        ("1.2", "一网统管", [
            ("1.2.1", "事件办结率", 4, "cases.closure_rate", "rate", 0.98, 0.80, True,
             "年度受理事件办结率98%以上得满分，80%及以下不得分，其间按比例计分。否决项：须达到本项分值的60%。",
             "逐件清理未办结事件，对超期事件督办到人。"),
            ("1.2.2", "按期办结率", 4, "cases.on_time_rate", "rate", 0.95, 0.70, False,
             "按期办结率95%以上得满分，70%及以下不得分。", "临期事件提前提醒，复杂事件及时申请延期或吹哨。"),
            ("1.2.3", "群众满意率", 4, "cases.satisfaction_rate", "rate", 0.95, 0.70, False,
             "群众评价满意率95%以上得满分，70%及以下不得分。", "办结后电话回访，不满意事件返工处理。"),
        ]),
    ]),
    ("2", "三个中心", [
        ("2.1", "党群服务中心", [
            ("2.1.1", "党群服务中心规范化建设", 5, "", "claim", None, None, True,
             "“1个党群服务中心+3个先锋驿站+10个以上睦邻点”建成并挂牌，开放时间公示。否决项：须达到本项分值的60%。",
             "补齐驿站和睦邻点，上传挂牌照片和开放时间公示照片。"),
            ("2.1.2", "8分钟党群服务圈覆盖率", 5, "venues.eight_minute", "rate", 0.95, 0.60, False,
             "步行8分钟可达党群阵地的住户占比95%以上得满分，60%及以下不得分。",
             "在覆盖不到的片区增设睦邻点（参考“最佳选址”）。"),
        ]),
        ("2.2", "网格治理中心", [
            ("2.2.1", "入户走访覆盖率", 4, "visits.coverage", "rate", 1.0, 0.60, False,
             "年度走访到的户占辖区户数100%得满分，60%及以下不得分。", "把未走访户分配给联户党员和网格员，按周跟踪。"),
            ("2.2.2", "网格力量配备", 4, "", "claim", None, None, False,
             "每个网格配齐专职网格员、网格长，微网格配齐联络员和志愿者。", "补齐缺岗，上传人员名册。"),
        ]),
        ("2.3", "矛盾调解中心", [
            ("2.3.1", "小事不出村（村级化解占比）", 4, "mediation.village_share", "rate", 0.85, 0.50, False,
             "调解成功的纠纷中在村级化解的占85%以上得满分，50%及以下不得分。",
             "发挥调解工作室和“老娘舅”作用，纠纷在村级首调。"),
            ("2.3.2", "调解工作室规范运行", 3, "", "claim", None, None, False,
             "调解工作室有场所、有人员、有台账、有制度。", "上传工作室照片、调解员名册和调解台账。"),
        ]),
    ]),
    ("3", "五类场景", [
        ("3.1", "智慧党建", [
            ("3.1.1", "党群阵地网络达标率", 4, "venues.network", "rate", 1.0, 0.50, False,
             "党群服务中心、先锋驿站、睦邻点按“1+3+10”配置的达标程度。", "按缺口清单补建驿站和睦邻点。"),
            ("3.1.2", "党员联户、线上组织生活", 4, "", "claim", None, None, False,
             "党员联户全覆盖，组织生活线上记录、可查。", "上传联户名册和线上组织生活记录截图。"),
        ]),
        ("3.2", "智慧治理", [
            ("3.2.1", "积分制参与率", 4, "points.participation", "rate", 0.60, 0.10, False,
             "年度有成员获得积分加分的户占60%以上得满分，10%及以下不得分。",
             "把环境整治、志愿服务等纳入积分项目，按月公示积分榜。"),
            ("3.2.2", "党群议事会常态化", 4, "", "claim", None, None, False,
             "每季度至少召开一次党群议事会，决议事项办理可查。", "上传会议纪要和决议办理情况。"),
        ]),
        ("3.3", "智慧服务", [
            ("3.3.1", "微心愿实现率", 4, "wishes.fulfilment", "rate", 0.90, 0.50, False,
             "认领并实现的微心愿占发布的90%以上得满分，50%及以下不得分。", "动员爱心商家和党员认领微心愿。"),
            ("3.3.2", "线上便民服务", 4, "", "claim", None, None, False,
             "高频事项网上办、掌上办，提供代办帮办。", "上传线上服务清单和代办记录。"),
        ]),
        ("3.4", "智慧安防", [
            ("3.4.1", "视频监控和消防感知覆盖", 4, "", "claim", None, None, False,
             "主要出入口、公共区域视频覆盖，独居老人家庭安装烟感。", "上传点位图和设备清单。"),
            ("3.4.2", "全年无重大安全责任事故", 4, "", "claim", None, None, True,
             "全年未发生较大以上安全责任事故、群体性事件。否决项：须达到本项分值的60%。",
             "排查安全隐患，上传隐患整改台账。"),
        ]),
        ("3.5", "智慧康养", [
            ("3.5.1", "独居老人关爱", 4, "", "claim", None, None, False,
             "独居、空巢老人定期探访，紧急呼叫可用。", "把独居老人纳入特殊人群走访，上传探访记录。"),
            ("3.5.2", "健康服务数字化", 4, "", "claim", None, None, False,
             "家庭医生签约、健康档案线上可查。", "上传签约率和线上健康服务截图。"),
        ]),
    ]),
    ("4", "N项特色", [
        ("4.1", "特色应用", [
            ("4.1.1", "特色数字化应用场景", 10, "", "claim", None, None, False,
             "结合本村（社区）实际建成的特色应用，每项最高5分，最多10分。",
             "围绕群众急难愁盼打造一项特色应用，上传应用说明和使用数据。"),
            ("4.1.2", "经验做法获市级以上推广", 5, "", "claim", None, None, False,
             "经验做法被市级以上部门推广或媒体报道。", "总结经验做法，上传推广文件或报道。"),
        ]),
    ]),
]


def rows() -> list[dict]:
    """The tree as rows (parents before children), for ``services.create_scheme``."""
    out: list[dict] = []
    sort = 0
    for c1, n1, level2 in TREE:
        sort += 1
        out.append({"code": c1, "name": n1, "level": 1, "parent": None, "sort": sort})
        for c2, n2, level3 in level2:
            sort += 1
            out.append({"code": c2, "name": n2, "level": 2, "parent": c1, "sort": sort})
            for c3, n3, pts, source, rule, full, zero, must, standard, advice in level3:
                sort += 1
                out.append({"code": c3, "name": n3, "level": 3, "parent": c2, "sort": sort, "points": float(pts),
                            "method": "computed" if source else "evidence", "source": source, "rule": rule,
                            "full": full, "zero": zero, "must_pass": must, "standard": standard, "advice": advice})
    return out
