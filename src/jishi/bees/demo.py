"""Demo 小蜜蜂 data: a station for every 小蜜蜂驿站 venue (135 at city scale), riders and couriers registered to
them (the informants the org demo placed there, plus ~20 a station at city scale: ~3,100 riders), a few
registrations waiting for approval, 107 caring merchants (爱心餐厅/药店/超市) each with what it offers and two
or three things 公益积分 buy, a care fund per town with donations and allocations, and grants applied for,
approved, refused and paid.

公益积分: the informant-channel reports of the cases demo in a station's town are the riders' reports (their
reporter is set to a rider); each accepted one is awarded exactly as the consumer of the case timeline does
(``earning.award_informant``, key ``case-accept:<id>``). A few riders redeem at caring merchants through the
store's own order and confirmation services, so ``jishi reconcile-points`` still balances.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from jishi.bees.choices import (
    FundEntryKind,
    GrantReason,
    GrantState,
    MerchantCategory,
    Platform,
    RiderState,
    Verb,
)
from jishi.bees.models import BeesEvent, CaringMerchant, Fund, Grant, Rider, Station
from jishi.core import audit
from jishi.core.calendar import TZ
from jishi.org.choices import Role, VenueKind
from jishi.org.models import Person, Region, StaffAssignment, Venue


@dataclass(frozen=True)
class Plan:
    stations: int  # one per 小蜜蜂驿站 venue
    merchants: dict  # category → count
    riders_per_station: int  # registered here, besides the org demo's informants
    pending: int  # registrations waiting for approval
    grants: int  # care applications
    redemptions: int  # 公益积分 orders at caring merchants

    @property
    def caring_merchants(self) -> int:
        return sum(self.merchants.values())

    def riders(self, informants: int = 0) -> int:
        return self.stations * self.riders_per_station + informants + self.pending


PLANS = {
    "city": Plan(135, {MerchantCategory.RESTAURANT: 45, MerchantCategory.PHARMACY: 30, MerchantCategory.SUPERMARKET: 32},
                 20, 40, 60, 300),
    "small": Plan(4, {MerchantCategory.RESTAURANT: 2, MerchantCategory.PHARMACY: 1, MerchantCategory.SUPERMARKET: 1},
                  5, 2, 4, 6),
}
OFFERS = {
    MerchantCategory.RESTAURANT: ["免费饮水、微波炉加热、歇脚充电", "爱心餐 8 折、免费饮水", "雨天避雨歇脚、免费热水、手机充电"],
    MerchantCategory.PHARMACY: ["常用药品 9 折、免费测血压", "创可贴碘伏免费取用、药品折扣", "中暑药品免费领取"],
    MerchantCategory.SUPERMARKET: ["免费饮水、卫生间、充电", "日用品 9 折、雨衣借用", "冬季热饮、夏季清凉饮品免费"],
}
ITEMS = {
    MerchantCategory.RESTAURANT: [("爱心工作餐一份", 20), ("矿泉水一瓶", 2), ("热饮一杯", 5)],
    MerchantCategory.PHARMACY: [("防暑药品一盒", 10), ("创可贴一盒", 4), ("口罩一包", 5)],
    MerchantCategory.SUPERMARKET: [("雨衣一件", 15), ("毛巾一条", 6), ("矿泉水一箱", 18)],
}
SHOP_NAMES = {MerchantCategory.RESTAURANT: ["面馆", "快餐店", "小吃店", "饭店"],
              MerchantCategory.PHARMACY: ["大药房", "药店", "医药连锁店"],
              MerchantCategory.SUPERMARKET: ["超市", "便利店", "生活超市"]}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["强", "伟", "磊", "军", "勇", "杰", "涛", "斌", "超", "明", "鹏", "辉", "刚", "平", "华", "飞", "亮", "健"]
STORIES = {GrantReason.ILLNESS: "突发疾病住院，医药费负担较重", GrantReason.ACCIDENT: "送单途中发生交通事故受伤，暂时无法工作",
           GrantReason.HARDSHIP: "家中老人重病，子女上学，生活暂时困难"}


def plan_for(scale: str) -> Plan:
    return PLANS.get(scale, PLANS["small"])


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"


def generate(ctx) -> str:
    plan = plan_for(ctx.scale)
    rng = random.Random(f"bees:{ctx.seed}")
    today = ctx.today if isinstance(ctx.today, date) else date.today()
    end = datetime.combine(today, time(17, 0), TZ)
    stations = _stations(plan)
    if not stations:
        return "bees: no 小蜜蜂驿站 venues, skipped"
    riders = _riders(rng, plan, stations, end)
    merchants = _merchants(rng, plan)
    awarded = _award(rng, stations, riders)
    redeemed = _redeem(rng, plan, riders, merchants)
    funds, grants = _fund(rng, plan, stations, riders, end)
    audit.record(None, "demo.bees", object_type="bees.station", object_id="demo",
                 summary=f"演示小蜜蜂驿站 {len(stations)} 个、小蜜蜂 {len(riders)} 人、爱心商家 {len(merchants)} 家、"
                         f"关爱基金 {funds} 个、救助 {grants} 笔")
    return (f"bees: {len(stations)} stations, {len(riders)} riders, {len(merchants)} caring merchants, "
            f"{awarded} 公益积分 awards, {redeemed} redemptions, {grants} care grants")


@transaction.atomic
def _stations(plan: Plan) -> list[Station]:
    venues = list(Venue.objects.filter(kind=VenueKind.INFORMANT_STATION).exclude(bee_station__isnull=False)
                  .select_related("region").order_by("id")[:plan.stations])
    made = []
    for v in venues:
        s = Station(venue=v, name=v.name)
        s.place_in(v.region)
        made.append(s)
    Station.objects.bulk_create(made)
    stations = list(Station.objects.select_related("venue").order_by("id"))
    # the org demo's informants at a station's micro-grid are its riders; the first one manages it
    for s in stations:
        if s.manager_id is None:
            first = (StaffAssignment.objects.filter(role=Role.INFORMANT, region_id=s.venue.region_id)
                     .order_by("id").values_list("person_id", flat=True).first())
            if first:
                Station.objects.filter(pk=s.pk).update(manager_id=first)
                s.manager_id = first
    return stations


@transaction.atomic
def _riders(rng: random.Random, plan: Plan, stations: list[Station], end: datetime) -> list[Rider]:
    if Rider.objects.exists():
        return list(Rider.objects.filter(state=RiderState.APPROVED).select_related("station"))
    platforms = [Platform.MEITUAN] * 4 + [Platform.ELEME] * 3 + [Platform.SF] * 2 + [Platform.JD] * 2 + [Platform.OTHER]
    rows: list[Rider] = []
    grids = {}
    for g in Region.objects.filter(level="grid").values_list("id", "town_id"):
        grids.setdefault(g[1], []).append(g[0])
    # the informants of the org demo (the demo login among them)
    posts = {s.venue.region_id: s for s in stations}
    for a in StaffAssignment.objects.filter(role=Role.INFORMANT, region_id__in=list(posts)).select_related("person"):
        s = posts[a.region_id]
        rows.append(Rider(person=a.person, user_id=a.person.user_id, name=a.person.name, phone=a.person.phone or _phone(rng),
                          platform=rng.choice(platforms[:-1]), station=s, state=RiderState.APPROVED, post=a,
                          reviewed_at=end - timedelta(days=rng.randint(200, 360))))
    # new riders: a person and an informant post at the station's place each
    people, new = [], []
    for s in stations:
        for _ in range(plan.riders_per_station):
            p = Person(name=_name(rng), phone=_phone(rng))
            p.place_in(s.venue.region)
            people.append((p, s))
    Person.objects.bulk_create([p for p, _ in people], batch_size=2000)
    assignments = []
    for p, s in people:
        a = StaffAssignment(person=p, role=Role.INFORMANT, region=s.venue.region, specialty="小蜜蜂")
        a.place_in(s.venue.region)
        assignments.append(a)
    StaffAssignment.objects.bulk_create(assignments, batch_size=2000)
    for (p, s), a in zip(people, assignments, strict=True):
        platform = rng.choice(platforms)
        new.append(Rider(person=p, name=p.name, phone=p.phone, platform=platform, station=s, state=RiderState.APPROVED,
                         platform_other="闪送" if platform == Platform.OTHER else "", post=a,
                         reviewed_at=end - timedelta(days=rng.randint(1, 330))))
    pending = []
    for _ in range(plan.pending):
        s = rng.choice(stations)
        pending.append(Rider(name=_name(rng), phone=_phone(rng), platform=rng.choice(platforms[:-1]), station=s,
                             state=RiderState.PENDING))
    every = rows + new + pending
    for r in every:
        r.place_in(r.station.venue.region)
    Rider.objects.bulk_create(every, batch_size=2000)
    through = Rider.rounds.through
    links = []
    for r in every:
        town_grids = grids.get(r.station.town_id) or []
        for g in rng.sample(town_grids, min(len(town_grids), rng.randint(1, 3))):
            links.append(through(rider_id=r.pk, region_id=g))
    through.objects.bulk_create(links, batch_size=5000, ignore_conflicts=True)
    events = []
    for r in every:
        events.append(BeesEvent(rider=r, verb=Verb.REGISTER, at=(r.reviewed_at or end) - timedelta(days=2),
                                to_state=RiderState.PENDING))
        if r.state == RiderState.APPROVED:
            events.append(BeesEvent(rider=r, verb=Verb.APPROVE, at=r.reviewed_at, from_state=RiderState.PENDING,
                                    to_state=RiderState.APPROVED, data={"post": r.post_id}))
    BeesEvent.objects.bulk_create(events, batch_size=5000)
    return rows + new


@transaction.atomic
def _merchants(rng: random.Random, plan: Plan) -> list[CaringMerchant]:
    from jishi.points.choices import Programme
    from jishi.points.models import Merchant, StoreItem

    if CaringMerchant.objects.exists():
        return list(CaringMerchant.objects.select_related("merchant"))
    villages = list(Region.objects.filter(level="village").order_by("id"))
    login = Person.objects.filter(assignments__role=Role.MERCHANT, user__isnull=False).order_by("id").first()
    made = []
    n = 0
    for category, count in plan.merchants.items():
        for _ in range(count):
            v = villages[n % len(villages)]
            owner = login if n == 0 and login else Person.objects.filter(village=v).order_by("id").first()
            if owner is None:
                continue
            n += 1
            m = Merchant(name=f"{v.name}{rng.choice(SURNAMES)}记{rng.choice(SHOP_NAMES[category])}", owner=owner,
                         address=f"{v.name}{rng.randint(1, 99)}号", programme=Programme.WELFARE, yuan_per_point="0.100")
            m.place_in(v)
            m.save()
            c = CaringMerchant(merchant=m, category=category, offers=rng.choice(OFFERS[category]),
                               lng=v.lng, lat=v.lat)
            c.place_in(v)
            made.append(c)
            items = []
            for name, price in rng.sample(ITEMS[category], rng.randint(2, 3)):
                it = StoreItem(merchant=m, name=name, price=price, stock=rng.randint(20, 80))
                it.place_in(v)
                items.append(it)
            StoreItem.objects.bulk_create(items)
    CaringMerchant.objects.bulk_create(made)
    return made


def _award(rng: random.Random, stations: list[Station], riders: list[Rider]) -> int:
    """The informant-channel reports of a station's town become its riders' reports; each accepted one earns the
    template's 小蜜蜂 points in the 公益积分 programme under the consumer's own key (``case-accept:<id>``: the
    consumer, if it ever reads these rows, finds them awarded). Written through ``ledger.post`` (the demo's
    invented history is one audit record, not one per row)."""
    from jishi.cases.choices import Channel
    from jishi.cases.models import Case
    from jishi.points import ledger
    from jishi.points.choices import AccountKind, PostingKind
    from jishi.points.models import PointItem

    item = PointItem.objects.filter(code="XMF01").first()
    by_town: dict[int, list[Rider]] = {}
    for r in riders:
        if r.person_id:
            by_town.setdefault(r.town_id, []).append(r)
    n = 0
    for town, folk in by_town.items():
        cases = list(Case.objects.filter(channel=Channel.INFORMANT, town_id=town).order_by("id"))
        for c in cases:
            r = rng.choice(folk)
            c.reporter_id, c.reporter_name, c.reporter_phone = r.person_id, r.name, r.phone
            c.rider = r
        Case.objects.bulk_update(cases, ["reporter", "reporter_name", "reporter_phone"], batch_size=2000)
        if item is None:
            continue
        for c in cases:
            if c.accepted_at is None:
                continue
            person = c.rider.person
            src = ledger.system_account(AccountKind.WELFARE_SOURCE, person.village_id)
            own = ledger.person_account(person, AccountKind.WELFARE)
            with transaction.atomic():
                p = ledger.post(key=f"case-accept:{c.pk}", kind=PostingKind.WELFARE, legs=[(src, -item.points),
                                (own, item.points)], reason=f"小蜜蜂上报事件被立案（{c.number}）", person=person,
                                points=item.points, item=item, source=f"case:{c.pk}", at=c.accepted_at)
            n += not p.replayed
    return n


def _redeem(rng: random.Random, plan: Plan, riders: list[Rider], merchants: list[CaringMerchant]) -> int:
    """A few riders redeem at caring merchants: the order, its hold and (mostly) its settlement, as the store does."""
    from django.db.models import F

    from jishi.points import ledger
    from jishi.points.choices import AccountKind, OrderStatus, PostingKind
    from jishi.points.models import Account, Order, StoreItem

    rich = list(Account.objects.filter(kind=AccountKind.WELFARE, balance__gte=10).select_related("person")
                .order_by("-balance", "id")[:plan.redemptions])
    items = list(StoreItem.objects.filter(merchant__programme="welfare", stock__gt=5).select_related("merchant"))
    now = timezone.now()
    n = 0
    for acc in rich:
        affordable = [i for i in items if i.price <= acc.balance]
        if not affordable:
            continue
        item, person = rng.choice(affordable), acc.person
        with transaction.atomic():
            key = f"demo-bees:{person.pk}"
            if Order.objects.filter(key=key).exists():
                continue
            hold = ledger.system_account(AccountKind.WELFARE_HOLD, person.village_id)
            ledger.post(key=f"hold:{key}", kind=PostingKind.HOLD, legs=[(acc, -item.price), (hold, item.price)],
                        reason=f"兑换{item.name}", person=person, points=-item.price, source=f"item:{item.pk}")
            confirmed = rng.random() < 0.8
            order = Order(key=key, person=person, item=item, merchant=item.merchant, points=item.price,
                          code=f"{rng.randrange(10**10):010d}", expires_at=now + timedelta(days=30),
                          status=OrderStatus.CONFIRMED if confirmed else OrderStatus.HELD,
                          confirmed_at=now if confirmed else None)
            order.town_id, order.village_id, order.grid_id, order.microgrid_id = (
                person.town_id, person.village_id, person.grid_id, person.microgrid_id)
            order.save()
            if confirmed:
                StoreItem.objects.filter(pk=item.pk).update(stock=F("stock") - 1)
                ledger.post(key=f"settle:{order.pk}", kind=PostingKind.SETTLE,
                            legs=[(hold, -item.price), (ledger.merchant_account(item.merchant), item.price)],
                            reason=f"{item.merchant.name}核销{item.name}", person=person, source=f"order:{order.pk}",
                            region=order, at=now)
            else:
                StoreItem.objects.filter(pk=item.pk).update(reserved=F("reserved") + 1)
        n += 1
    return n


@transaction.atomic
def _fund(rng: random.Random, plan: Plan, stations: list[Station], riders: list[Rider], end: datetime) -> tuple[int, int]:
    """A fund per town with an allocation and a donation; grants applied for, approved, refused and paid (the
    balance never below zero: a grant is paid only while the balance covers it)."""
    from jishi.bees.models import FundEntry

    towns = sorted({s.town_id for s in stations if s.town_id})
    funds, balance = {}, {}
    entries, events = [], []
    for t in towns:
        town = Region.objects.get(pk=t)
        f, created = Fund.objects.get_or_create(town=town, village=None, defaults={"name": f"{town.name}小蜜蜂关爱基金"})
        funds[t], balance[t] = f, f.balance
        if created:
            for kind, amount, source in (
                    (FundEntryKind.ALLOCATION, rng.choice([20000, 30000, 50000]), f"{town.name}财政划拨"),
                    (FundEntryKind.DONATION, rng.choice([5000, 10000, 20000]),
                     rng.choice(["美团党建共建捐赠", "顺丰公益基金捐赠", "本地企业爱心捐赠", "党员干部爱心捐款"]))):
                at = end - timedelta(days=rng.randint(200, 300))
                entries.append(FundEntry(fund=f, kind=kind, amount=Decimal(amount), at=at, source=source))
                events.append(BeesEvent(fund=f, verb=Verb.INCOME, at=at, note=source,
                                        data={"kind": kind, "amount": str(amount)}))
                balance[t] += Decimal(amount)
    with_person = [r for r in riders if r.person_id and r.town_id in funds]
    n = 0
    for r in rng.sample(with_person, min(plan.grants, len(with_person))):
        reason = rng.choice(GrantReason.values)
        f = funds[r.town_id]
        applied = end - timedelta(days=rng.randint(3, 150))
        g = Grant(fund=f, rider=r, person_id=r.person_id, reason=reason, story=STORIES[reason],
                  requested=Decimal(rng.choice([1000, 2000, 3000, 5000])))
        g.place_in(r.station.venue.region)
        x = rng.random()
        if x < 0.85:
            g.reviewed_at = applied + timedelta(days=2)
            if x < 0.75:
                g.amount = g.requested if x < 0.6 else g.requested / 2
                g.state, g.review_note = GrantState.APPROVED, "情况属实"
                if x < 0.6 and balance[r.town_id] >= g.amount:
                    g.state, g.paid_at = GrantState.PAID, applied + timedelta(days=5)
                    balance[r.town_id] -= g.amount
            else:
                g.state, g.review_note = GrantState.REJECTED, "不符合救助条件"
        g.save()
        events.append(BeesEvent(grant=g, fund=f, rider=r, verb=Verb.APPLY, at=applied, to_state=GrantState.APPLIED,
                                data={"reason": reason, "requested": str(g.requested)}))
        if g.reviewed_at:
            verb = Verb.GRANT_REJECT if g.state == GrantState.REJECTED else Verb.GRANT_APPROVE
            to = GrantState.REJECTED if g.state == GrantState.REJECTED else GrantState.APPROVED
            events.append(BeesEvent(grant=g, fund=f, rider=r, verb=verb, at=g.reviewed_at, from_state=GrantState.APPLIED,
                                    to_state=to, note=g.review_note))
        if g.paid_at:
            entries.append(FundEntry(fund=f, kind=FundEntryKind.GRANT, amount=-g.amount, at=g.paid_at,
                                     source=f"{r.name} {g.get_reason_display()}", grant=g))
            events.append(BeesEvent(grant=g, fund=f, rider=r, verb=Verb.PAY, at=g.paid_at,
                                    from_state=GrantState.APPROVED, to_state=GrantState.PAID))
        n += 1
    FundEntry.objects.bulk_create(entries)
    BeesEvent.objects.bulk_create(events)
    for t, f in funds.items():
        Fund.objects.filter(pk=f.pk).update(balance=balance[t])
    return len(funds), n
