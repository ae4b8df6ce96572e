"""Demo data at the report's scale (the demo generator's hook): the year's blueprint — 109 三级书记项目 (the city
secretary's project over one project per town over village projects, weighted) and 44 重点攻坚项目 claimed by the
departments' party organisations — with time nodes up to ``ctx.today``, the overdue ones supervised yellow/red and
some answered; the 乡村振兴·共富基金 (¥200M; the first tranche of ¥40.86M into 16 projects of weak villages,
about ¥12M a year more income) with payments and the villages' income before/after; two 毗邻党建联盟 (澄张虞,
锡常) with their outside members and 925 shared problems solved over the year (and a few still open).

Rows are bulk-written; the invented history is not told to the timeline's consumers (``consumers.fast_forward``).
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction

from jishi.blueprint import rollup
from jishi.blueprint.choices import FLAG_RANK, ProblemField
from jishi.blueprint.models import (
    Alliance,
    AllianceMember,
    AllianceProblem,
    Blueprint,
    BlueprintEvent,
    Disbursement,
    Fund,
    FundProject,
    Milestone,
    Project,
    ProjectIncome,
    Supervision,
    Tranche,
    VillageIncome,
)
from jishi.blueprint.services import wanted_flag
from jishi.core import audit, consumers
from jishi.core.calendar import TZ
from jishi.org.models import Department, Region

SECRETARY_PROJECTS = 109
KEY_PROJECTS = 44
FUND_PROJECTS = 16
SOLVED_PROBLEMS = 925
OPEN_PROBLEMS = 14

TOWN_TOPICS = ["党建引领“微网格”治理提质", "“小事不出村”矛盾化解", "人居环境长效管护", "村级集体经济强村富民",
               "红色物业进小区", "“一老一小”服务圈"]
VILLAGE_TOPICS = ["村组道路提档升级", "农村生活污水治理", "党群服务中心功能提升", "闲置农房盘活利用", "“积分超市”扩面",
                  "河塘清淤整治", "村级光伏增收", "邻里中心建设", "垃圾分类示范村创建", "老旧小区加装电梯"]
KEY_TOPICS = ["背街小巷环境整治", "12345热线诉求源头治理", "电瓶车充电设施补短板", "停车难综合治理", "菜市场提档升级",
              "学校周边交通治理", "农村饮水安全提升", "养老服务设施建设", "社区卫生服务能力提升", "企业服务“一件事”改革",
              "安全生产隐患整治", "城乡公交一体化"]
MILESTONES = ["方案制定与公示", "立项审批", "招标采购", "开工建设", "过半进度核查", "完工验收", "群众满意度测评"]
FUND_TOPICS = ["标准厂房", "农贸市场", "光伏发电", "冷链仓储", "乡村民宿", "物业用房", "农机服务中心", "粮食烘干中心"]
PROBLEMS = {
    ProblemField.GARBAGE: ["交界河道垃圾漂浮", "跨界道路垃圾偷倒", "垃圾分类标准不一", "交界处垃圾中转站异味"],
    ProblemField.SMART: ["智慧社区平台数据不通", "跨界人员信息核验难", "监控探头交界盲区", "门禁系统互认"],
    ProblemField.DISPUTE: ["跨界土地承包纠纷", "交界企业劳资纠纷", "跨界相邻权纠纷", "跨界养殖污染纠纷"],
    ProblemField.ENVIRONMENT: ["交界河道水质", "秸秆焚烧联防", "扬尘联合管控"],
    ProblemField.TRAFFIC: ["交界路段停车乱", "跨界公交接驳", "交界路口信号灯"],
    ProblemField.SAFETY: ["交界出租房消防隐患", "跨界电动车盗窃", "防汛联防联控"],
}
FIELD_WEIGHTS = [(ProblemField.GARBAGE, 30), (ProblemField.SMART, 18), (ProblemField.DISPUTE, 22),
                 (ProblemField.ENVIRONMENT, 12), (ProblemField.TRAFFIC, 10), (ProblemField.SAFETY, 8)]
ALLIANCES = [("“澄张虞”毗邻党建联盟", ["张家港市凤凰镇", "常熟市虞山街道", "常熟市辛庄镇"], 0.56),
             ("“锡常”毗邻党建联盟", ["常州市武进区横林镇", "常州市武进区洛阳镇"], 0.44)]


def _weights(n: int) -> list[Decimal]:
    """n weights (two decimals) adding up to exactly 100."""
    base = (Decimal(100) / n).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
    out = [base] * n
    out[-1] = Decimal(100) - base * (n - 1)
    return out


def generate(ctx) -> str:
    rng = random.Random(f"blueprint:{ctx.seed}")
    today = ctx.today if isinstance(ctx.today, date) else date.today()
    towns = list(Region.objects.filter(level="town").order_by("code"))
    villages = list(Region.objects.filter(level="village").order_by("code"))
    city = Region.objects.filter(level="city").first()
    if not towns or not villages or city is None:
        return "blueprint: no regions, skipped"
    with transaction.atomic():
        n_projects, n_sup = _blueprint(rng, today, city, towns, villages)
        n_fund = _fund(rng, today, villages)
        n_problems = _alliances(rng, today, towns)
    consumers.fast_forward(BlueprintEvent)
    audit.record(None, "demo.blueprint", object_type="blueprint.project", object_id="demo",
                 summary=f"演示书记项目 {n_projects} 个（督办 {n_sup}），共富基金项目 {n_fund} 个，联盟问题 {n_problems} 个")
    return f"blueprint: {n_projects} projects ({n_sup} supervised), {n_fund} fund projects, {n_problems} alliance problems"


def _project(bp, code, title, region, level, owner, secretary, start, end, weight, parent=None, kind="secretary",
             dep=None) -> Project:
    p = Project(blueprint=bp, parent=parent, code=code, title=title[:120], kind=kind, level=level, region=region,
                owner_name=owner[:100], owner_department=dep, secretary=secretary, responsible=f"{secretary}（领办）",
                targets=f"围绕“{title}”明确目标任务、时间节点和责任分工，{end.month}月底前完成。", starts_on=start,
                ends_on=end, weight=weight)
    p.place_in(region)
    return p


def _blueprint(rng, today, city, towns, villages) -> tuple[int, int]:
    year = today.year
    bp, _ = Blueprint.objects.get_or_create(year=year, defaults={"title": f"{year}年度书记项目一张蓝图"})
    if bp.projects.exists():
        return 0, 0
    start, end = date(year, 1, 1), date(year, 12, 31)
    surnames = "王李张刘陈杨黄赵周吴徐孙朱马胡郭何高林"
    sec = lambda: rng.choice(surnames) + "书记"  # noqa: E731
    top = _project(bp, f"SJ{year}-C001", "党建引领基层治理现代化（市委书记领办）", city, "city", "市委组织部", "市委书记",
                   start, end, Decimal(100))
    top.save()
    n_village = SECRETARY_PROJECTS - 1 - len(towns)
    per_town: dict[int, list[Region]] = defaultdict(list)
    for i in range(n_village):
        v = villages[i % len(villages)]
        per_town[v.town_id].append(v)
    town_rows = []
    for t, w in zip(towns, _weights(len(towns)), strict=True):
        town_rows.append(_project(bp, f"SJ{year}-T{t.pk:04d}", f"{t.name}{rng.choice(TOWN_TOPICS)}", t, "town",
                                  f"{t.name}党委", sec(), start, end, w, parent=top))
    Project.objects.bulk_create(town_rows)
    village_rows = []
    for tp in town_rows:
        vs = per_town.get(tp.region.pk, [])
        for k, (v, w) in enumerate(zip(vs, _weights(len(vs)) if vs else [], strict=True)):
            s = start + timedelta(days=rng.randint(0, 90))
            village_rows.append(_project(bp, f"SJ{year}-V{v.pk:05d}{k}", f"{v.name}{rng.choice(VILLAGE_TOPICS)}", v,
                                         "village", f"{v.name}党组织", sec(), s,
                                         min(end, s + timedelta(days=rng.randint(180, 330))), w, parent=tp))
    Project.objects.bulk_create(village_rows)
    deps = list(Department.objects.order_by("code")[:25])
    key_rows = []
    for i in range(KEY_PROJECTS):
        dep = deps[i % len(deps)] if deps else None
        s = start + timedelta(days=rng.randint(0, 60))
        key_rows.append(_project(bp, f"SJ{year}-K{i + 1:03d}", rng.choice(KEY_TOPICS) + f"（第{i // len(KEY_TOPICS) + 1}批）",
                                 city, "city", f"{dep.name}党组" if dep else "市级部门党组", sec(), s,
                                 min(end, s + timedelta(days=rng.randint(200, 320))), Decimal(100), kind="key", dep=dep))
    Project.objects.bulk_create(key_rows)
    leaves = village_rows + key_rows + [tp for tp in town_rows if not per_town.get(tp.region.pk)]
    return SECRETARY_PROJECTS - (n_village - len(village_rows)) + KEY_PROJECTS, _nodes(rng, today, bp, top, leaves)


def _nodes(rng, today, bp, top, leaves) -> int:
    """Time nodes of each leaf, done up to today mostly on time; the overdue ones supervised; progress from the
    done nodes; parents rolled up by weight."""
    stones, progress = [], {}
    for p in leaves:
        span = (p.ends_on - p.starts_on).days
        names = MILESTONES[: rng.randint(4, len(MILESTONES))]
        done = 0
        for i, title in enumerate(names):
            due = p.starts_on + timedelta(days=span * (i + 1) // len(names))
            late = (today - due).days
            finished = due < today and rng.random() > (0.35 if late <= 30 else 0.012)  # mostly on time
            stones.append(Milestone(project=p, title=title, due_on=due, responsible=p.secretary,
                                    done_on=due - timedelta(days=rng.randint(0, 6)) if finished else None))
            done += finished
        progress[p.pk] = Decimal(min(100, round(done * 100 / len(names) + rng.randint(-3, 3)))).max(Decimal(0))
    Milestone.objects.bulk_create(stones, batch_size=2000)
    sups, flags = [], {}
    at = datetime.combine(today, time(7, 5), TZ)
    for m in stones:
        if m.done_on is None and m.due_on < today:
            want = wanted_flag((today - m.due_on).days)
            m.flag = want
            replied = rng.random() < 0.5
            sups.append(Supervision(project=m.project, milestone=m, flag=want, raised_at=at - timedelta(days=1),
                                    days_overdue=(today - m.due_on).days,
                                    reply="已召开专题会研究，倒排工期，两周内完成" if replied else "",
                                    replied_at=at if replied else None))
            if FLAG_RANK[want] > FLAG_RANK[flags.get(m.project.pk, "")]:
                flags[m.project.pk] = want
    Milestone.objects.bulk_update([m for m in stones if m.flag], ["flag"], batch_size=2000)
    Supervision.objects.bulk_create(sups, batch_size=2000)
    nodes = {p["id"]: (p["parent_id"], p["weight"], progress.get(p["id"], Decimal(0)))
             for p in Project.objects.filter(blueprint=bp).values("id", "parent_id", "weight")}
    rolled = rollup.rollup(nodes)
    rows = []
    for p in Project.objects.filter(blueprint=bp):
        p.progress = rollup.stored(rolled[p.pk])
        p.status = "done" if p.progress == 100 else "active" if p.progress > 0 else "planned"
        p.flag = flags.get(p.pk, "")
        rows.append(p)
    Project.objects.bulk_update(rows, ["progress", "status", "flag"], batch_size=1000)
    BlueprintEvent.objects.bulk_create(
        [BlueprintEvent(project=p, verb="create", actor_name="市委组织部", at=datetime.combine(p.starts_on, time(9), TZ),
                        note=p.title) for p in rows]
        + [BlueprintEvent(project_id=s.project_id, verb="supervise", actor_name="系统", at=s.raised_at,
                          data={"flag": s.flag, "milestone": s.milestone_id}) for s in sups], batch_size=2000)
    return len(sups)


def _fund(rng, today, villages) -> int:
    if Fund.objects.exists():
        return 0
    fund = Fund.objects.create(name="乡村振兴·共富基金", size=Decimal("200000000"), founded_on=date(today.year - 1, 3, 1))
    tranche = Tranche.objects.create(fund=fund, number=1, amount=Decimal("40860000"), opened_on=date(today.year - 1, 4, 1))
    pool = rng.sample(villages, min(FUND_PROJECTS, len(villages)))
    weak = [pool[i % len(pool)] for i in range(FUND_PROJECTS)]  # a small demo city: some villages twice
    budgets = [Decimal(rng.randint(150, 350)) * 10_000 for _ in weak]
    budgets[-1] += Decimal("40860000") - sum(budgets)  # the first tranche exactly
    approved_at = datetime.combine(date(today.year - 1, 5, 20), time(10), TZ)
    made = []
    for v, b in zip(weak, budgets, strict=True):
        fp = FundProject(tranche=tranche, title=f"{v.name}{rng.choice(FUND_TOPICS)}", region=v, budget=b,
                         expected_income=(b * Decimal("0.2937")).quantize(Decimal("1")), state="approved",
                         approved_at=approved_at)
        fp.place_in(v)
        made.append(fp)
    FundProject.objects.bulk_create(made)
    pays, incomes, village_income = [], [], []
    gained: dict[int, Decimal] = defaultdict(Decimal)
    for fp in made:
        pays.append(Disbursement(project=fp, amount=(fp.budget * Decimal("0.6")).quantize(Decimal("0.01")),
                                 paid_on=date(today.year - 1, 6, rng.randint(1, 28)), note="首期拨付"))
        if rng.random() < 0.75:
            pays.append(Disbursement(project=fp, amount=fp.budget - (fp.budget * Decimal("0.6")).quantize(Decimal("0.01")),
                                     paid_on=date(today.year, rng.randint(1, 6), rng.randint(1, 28)), note="尾款"))
        incomes.append(ProjectIncome(project=fp, year=today.year,
                                     amount=(fp.expected_income * Decimal(rng.uniform(0.7, 1.1))).quantize(Decimal("1"))))
        gained[fp.region_id] += incomes[-1].amount
    for v in pool:
        before = Decimal(rng.randint(30, 95)) * 10_000  # a weak village: under ¥1M of operating income
        for y, amount in ((today.year - 2, before * Decimal("0.95")), (today.year - 1, before),
                          (today.year, before + gained[v.pk])):
            vi = VillageIncome(region=v, year=y, amount=amount.quantize(Decimal("1")))
            vi.place_in(v)
            village_income.append(vi)
    Disbursement.objects.bulk_create(pays)
    ProjectIncome.objects.bulk_create(incomes)
    VillageIncome.objects.bulk_create(village_income, ignore_conflicts=True)
    return len(made)


def _alliances(rng, today, towns) -> int:
    if Alliance.objects.exists():
        return 0
    end = datetime.combine(today, time(17), TZ)
    start = end - timedelta(days=365)
    fields, weights = zip(*FIELD_WEIGHTS, strict=True)
    total = 0
    for i, (name, outside, share) in enumerate(ALLIANCES):
        a = Alliance.objects.create(name=name, founded_on=date(today.year - 2, 6, 1),
                                    charter="组织共建、治理共抓、资源共享、难题共解")
        ours = towns[i * 2: i * 2 + 2] or towns[:1]
        members = []
        for k, t in enumerate(ours):
            m = AllianceMember(alliance=a, region=t, is_convener=k == 0)
            m.place_in(t)
            members.append(m)
        members += [AllianceMember(alliance=a, outside_name=o) for o in outside]
        AllianceMember.objects.bulk_create(members)
        n_solved = round(SOLVED_PROBLEMS * share) if i == 0 else SOLVED_PROBLEMS - round(SOLVED_PROBLEMS * ALLIANCES[0][2])
        rows = []
        for j in range(n_solved + OPEN_PROBLEMS // 2):
            f = rng.choices(fields, weights)[0]
            raiser = rng.choice(members)
            solved = j < n_solved
            at = start + timedelta(seconds=rng.randint(0, 340 * 86400)) if solved else \
                end - timedelta(days=rng.randint(1, 14))
            solver = rng.choice([m for m in members if m is not raiser] or members)
            rows.append(AllianceProblem(
                alliance=a, title=rng.choice(PROBLEMS[f]), field=f, raised_by=raiser, raised_at=at,
                detail=f"{raiser.name}提出：需联盟成员协同解决", state="solved" if solved else "open",
                solved_by=solver if solved else None, solved_at=at + timedelta(days=rng.randint(2, 25)) if solved else None,
                solution=f"{solver.name}牵头，联盟成员联合处置，已办结" if solved else "",
                joint_project=rng.choice(["", "", "交界河道联合保洁", "毗邻地区智慧安防共建", "联合调解工作室"]) if solved else ""))
        AllianceProblem.objects.bulk_create(rows, batch_size=2000)
        total += len(rows)
    return total
