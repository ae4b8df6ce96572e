"""Demo data of the points system: a year of postings, claims, inspections, boards and redemptions.

``generate(ctx)`` is called by the demo generator after the city exists. Everything is written in bulk:
the ledger is built in memory (balanced postings, balances summed from the entries), so
``jishi reconcile-points`` passes on the result. Participants per village are capped (household heads
and every demo login living there) so the city scale stays fast.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from jishi.core import audit
from jishi.org.choices import Level, Role
from jishi.org.models import Person, Region, StaffAssignment
from jishi.points.choices import (
    AccountKind,
    BoardStatus,
    ClaimStatus,
    OrderStatus,
    PostingKind,
)
from jishi.points.models import (
    Account,
    Board,
    BoardLine,
    Claim,
    Entry,
    Merchant,
    Order,
    Policy,
    PolicyItem,
    Posting,
    Settlement,
    StoreItem,
)
from jishi.points.rules import seed_template

PARTICIPANTS = {"small": 120, "city": 40}
GOODS = [("洗衣粉", 30, 200), ("食用油5L", 150, 60), ("大米10斤", 100, 80), ("毛巾", 20, 300), ("酱油", 15, 300)]
BATCH = 2000


def _at(d: date, hour: int, rng) -> datetime:
    return timezone.make_aware(datetime(d.year, d.month, d.day, hour, rng.randrange(60)))


def _months(start: date, today: date) -> list[date]:
    out, m = [], start.replace(day=1)
    while m <= today:
        out.append(m)
        m = date(m.year + (m.month == 12), m.month % 12 + 1, 1)
    return out


@dataclass(slots=True)
class Row:
    """A posting before it is written (a Django model instance costs ~30 µs to build; this ~1 µs)."""

    key: str
    kind: str
    at: datetime
    points: int
    reason: str
    source: str
    person: Person
    town_id: int | None
    village_id: int | None
    grid_id: int | None
    microgrid_id: int | None
    honour: int = 0
    item: object = None
    pk: int = 0

    @property
    def person_id(self) -> int:
        return self.person.pk

    @property
    def item_id(self) -> int | None:
        return self.item.pk if self.item is not None else None


class Book:
    """The ledger in memory: postings with their legs, then written in bulk."""

    def __init__(self) -> None:
        self.postings: list[Row] = []
        self.legs: list[list[tuple[int, int]]] = []
        self.balance: dict[int, int] = defaultdict(int)

    def post(self, legs: list[tuple[int, int]], **fields) -> Row:
        assert sum(a for _, a in legs) == 0
        p = Row(**fields)
        self.postings.append(p)
        self.legs.append(legs)
        for acc, amount in legs:
            self.balance[acc] += amount
        return p

    def write(self) -> int:
        """Insert postings and entries with explicit ids through ``executemany`` (Django's bulk_create
        spends most of its time preparing values), then reset the id sequences and set the balances."""
        ops = connection.ops
        next_id = (Posting.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        cols = ["id", "key", "kind", "at", "person_id", "item_id", "points", "honour", "reason", "actor_id",
                "approver_id", "reverses_id", "source", "town_id", "village_id", "grid_id", "microgrid_id"]
        rows = []
        for n, p in enumerate(self.postings):
            p.pk = next_id + n
            rows.append((p.pk, p.key, p.kind, ops.adapt_datetimefield_value(p.at), p.person_id, p.item_id, p.points,
                         p.honour, p.reason, None, None, None, p.source, p.town_id, p.village_id, p.grid_id,
                         p.microgrid_id))
        entry_id = (Entry.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        entries = []
        for p, legs in zip(self.postings, self.legs, strict=True):
            for a, amt in legs:
                if amt:
                    entries.append((entry_id, p.pk, a, amt))
                    entry_id += 1
        with connection.cursor() as cur:
            for table, columns, data in ((Posting._meta.db_table, cols, rows),
                                         (Entry._meta.db_table, ["id", "posting_id", "account_id", "amount"], entries)):
                sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
                for i in range(0, len(data), 5000):
                    cur.executemany(sql, data[i:i + 5000])
            for sql in ops.sequence_reset_sql(no_style(), [Posting, Entry]):
                cur.execute(sql)
        accounts = [Account(pk=pk, balance=b) for pk, b in self.balance.items()]
        Account.objects.bulk_update(accounts, ["balance"], batch_size=BATCH)
        return len(entries)


def _place(row, p: Person) -> None:
    row.town_id, row.village_id, row.grid_id, row.microgrid_id = p.town_id, p.village_id, p.grid_id, p.microgrid_id


@transaction.atomic
def generate(ctx) -> dict:
    rng, today = ctx.rng, ctx.today
    items = {i.code: i for i in seed_template()}
    villages = list(Region.objects.filter(level=Level.VILLAGE).order_by("path"))
    towns = list(Region.objects.filter(level=Level.TOWN).order_by("path"))
    start = today - timedelta(days=364)
    months = _months(start, today)
    # Policies: every town adopts the template; a third of the villages adjust it by a villagers' meeting.
    policies = [Policy(region=t, version=1, decision=f"{t.name}村民积分制管理办法（试行）", decided_on=start,
                       base_points=300, yearly_reset=False, two_step_review=False) for t in towns]
    two_step = set()
    for v in villages:
        if rng.random() < 0.35:
            if rng.random() < 0.5:
                two_step.add(v.pk)
            policies.append(Policy(region=v, version=1, decision=f"{v.name}村民代表会议决议（积分细则）",
                                   decided_on=start + timedelta(days=20), base_points=rng.choice([200, 300, 300, 500]),
                                   yearly_reset=rng.random() < 0.3, two_step_review=v.pk in two_step))
    Policy.objects.bulk_create(policies, batch_size=BATCH)
    PolicyItem.objects.bulk_create([PolicyItem(policy=p, item=items["ZY01"], points=rng.choice([5, 6, 8]))
                                    for p in policies if p.region.level == Level.VILLAGE], batch_size=BATCH)
    base_of = {p.region_id: p.base_points for p in policies}
    # Merchants and their shelves.
    merchants = []
    for a in StaffAssignment.objects.filter(role=Role.MERCHANT, region__level=Level.VILLAGE).select_related("person", "region"):
        m = Merchant(name=f"{a.region.name}积分超市", owner=a.person, address=f"{a.region.name}党群服务中心旁",
                     yuan_per_point=Decimal("0.100"))
        m.place_in(a.region)
        merchants.append(m)
    Merchant.objects.bulk_create(merchants, batch_size=BATCH)
    shelf = []
    for m in merchants:
        for name, price, stock in GOODS:
            it = StoreItem(merchant=m, name=name, price=price, stock=stock)
            it.town_id, it.village_id = m.town_id, m.village_id
            shelf.append(it)
    StoreItem.objects.bulk_create(shelf, batch_size=BATCH)
    shop_of = {m.village_id: m for m in merchants}
    goods_of = defaultdict(list)
    for it in shelf:
        goods_of[it.village_id].append(it)
    # Participants and accounts.
    cap = PARTICIPANTS.get(ctx.scale, 120)
    people: dict[int, list[Person]] = defaultdict(list)
    for p in Person.objects.filter(village__isnull=False, user__isnull=False).order_by("id"):
        people[p.village_id].append(p)
    for v in ctx.track(villages, "积分：参与人"):
        have = {p.pk for p in people[v.pk]}
        heads = Person.objects.filter(village=v, is_household_head=True).exclude(pk__in=have).order_by("id")[:cap]
        people[v.pk].extend(heads)
    accounts = []
    for v in villages:
        for kind in (AccountKind.ISSUANCE, AccountKind.HONOUR_SOURCE, AccountKind.HOLD, AccountKind.FROZEN):
            a = Account(kind=kind)
            a.place_in(v)
            accounts.append(a)
        for p in people[v.pk]:
            for kind in (AccountKind.REDEEMABLE, AccountKind.HONOUR):
                a = Account(kind=kind, person=p, household_id=p.household_id)
                _place(a, p)
                accounts.append(a)
    for m in merchants:
        a = Account(kind=AccountKind.MERCHANT, merchant=m)
        a.place_in(Region(town_id=m.town_id, village_id=m.village_id))
        accounts.append(a)
    Account.objects.bulk_create(accounts, batch_size=BATCH)
    sys_acc = {(a.village_id, a.kind): a.pk for a in accounts if a.person_id is None and a.merchant_id is None}
    own = {(a.person_id, a.kind): a.pk for a in accounts if a.person_id}
    merchant_acc = {a.merchant_id: a.pk for a in accounts if a.merchant_id}
    # A year of events per person, in time order.
    book, claims, orders = Book(), [], []
    seq = 0
    for v in ctx.track(villages, "积分：一年的记录"):
        iss, hsrc = sys_acc[(v.pk, AccountKind.ISSUANCE)], sys_acc[(v.pk, AccountKind.HONOUR_SOURCE)]
        hold = sys_acc[(v.pk, AccountKind.HOLD)]
        base = base_of.get(v.pk) or base_of.get(v.town_id) or 300
        for p in people[v.pk]:
            red, hon = own[(p.pk, AccountKind.REDEEMABLE)], own[(p.pk, AccountKind.HONOUR)]
            common = {"person": p, "town_id": p.town_id, "village_id": p.village_id, "grid_id": p.grid_id,
                      "microgrid_id": p.microgrid_id}
            book.post([(iss, -base), (red, base)], key=f"base:{p.pk}:{start.year}", kind=PostingKind.BASE,
                      at=_at(start, 8, rng), points=base, reason=f"{start.year}年基础分", source="demo", **common)
            for m in months:
                day = min(m + timedelta(days=rng.randrange(18, 26)), today)
                if day < start:
                    continue
                events = []
                roll = rng.random()
                if roll < 0.72:
                    events.append(("TY01", 10))
                elif roll < 0.80:
                    events.append(("TY02", 14))
                if rng.random() < 0.5:
                    events.append(("LJ01", 15))
                if rng.random() < 0.35:
                    events.append((rng.choice(["ZY01", "ZY01", "HR01"]), rng.randrange(1, 17)))
                if rng.random() < 0.04:
                    events.append(("KC01", rng.randrange(1, 28)))
                for code, dd in events:
                    item = items[code]
                    at = _at(min(m + timedelta(days=dd - 1), today), 10, rng)
                    if at.date() > today:
                        continue
                    seq += 1
                    if item.kind == "positive":
                        pts = item.points
                        legs = [(iss, -pts), (red, pts), (hsrc, -pts), (hon, pts)]
                        kind, honour = PostingKind.EARN, pts
                    else:
                        pts = -min(item.points, book.balance[red])
                        legs = [(red, pts), (iss, -pts), (hon, -item.points), (hsrc, item.points)]
                        kind, honour = PostingKind.DEDUCT, -item.points
                    posting = book.post(legs, key=f"demo:{seq}", kind=kind, at=at, points=pts, honour=honour,
                                        item=item, reason=f"{m.month}月{item.name}" if item.awarder == "inspection"
                                        else item.name, source="demo", **common)
                    if item.awarder == "self_claim":
                        c = Claim(person=p, item=item, note=rng.choice(["打扫村道", "帮助孤寡老人", "参加河道保洁",
                                                                     "疫苗接种引导", "劝导文明停车"]),
                                  occurred_on=at.date() - timedelta(days=1), status=ClaimStatus.APPROVED)
                        _place(c, p)
                        claims.append((c, posting))
                # A redemption now and then.
                if rng.random() < 0.22 and goods_of.get(v.pk):
                    it = rng.choice(goods_of[v.pk])
                    if book.balance[red] >= it.price and it.stock > it.reserved + 1:
                        at = _at(min(m + timedelta(days=rng.randrange(26, 28)), today), 15, rng)
                        seq += 1
                        book.post([(red, -it.price), (hold, it.price)], key=f"hold:demo:{seq}", kind=PostingKind.HOLD,
                                  at=at, points=-it.price, reason=f"兑换{it.name}", source="demo", **common)
                        o = Order(key=f"demo:{seq}", person=p, item=it, merchant=shop_of[v.pk], points=it.price,
                                  code=f"9{seq:09d}", expires_at=at + timedelta(days=30))
                        _place(o, p)
                        fate = rng.random()
                        if (today - at.date()).days < 5 and fate < 0.6:
                            it.reserved += 1  # still open
                        elif fate < 0.06:
                            o.status = OrderStatus.CANCELLED
                            book.post([(hold, -it.price), (red, it.price)], key=f"release:demo:{seq}",
                                      kind=PostingKind.RELEASE, at=at + timedelta(hours=3), points=it.price,
                                      reason="取消兑换，退回积分", source="demo", **common)
                        else:
                            o.status, o.confirmed_at = OrderStatus.CONFIRMED, at + timedelta(days=1)
                            book.post([(hold, -it.price), (merchant_acc[shop_of[v.pk].pk], it.price)],
                                      key=f"settle:demo:{seq}", kind=PostingKind.SETTLE, at=o.confirmed_at, points=0,
                                      reason=f"{shop_of[v.pk].name}核销{it.name}", source="demo", **common)
                            it.stock -= 1
                        orders.append(o)
    n_entries = book.write()
    for c, posting in claims:
        c.posting_id = posting.pk
    Claim.objects.bulk_create([c for c, _ in claims], batch_size=BATCH)
    Order.objects.bulk_create(orders, batch_size=BATCH)
    StoreItem.objects.bulk_update(shelf, ["stock", "reserved"], batch_size=BATCH)
    # A few pending claims for the review queues.
    pending = []
    for v in villages:
        for p in people[v.pk][:3]:
            c = Claim(person=p, item=items["ZY01"], note="参加周末志愿服务", occurred_on=today - timedelta(days=1))
            _place(c, p)
            pending.append(c)
    Claim.objects.bulk_create(pending, batch_size=BATCH)
    # Boards: every complete month final; the last complete month still in its notice period.
    boards = []
    for v in ctx.track(villages, "积分：公示榜"):
        for m in months[:-1]:
            nxt = date(m.year + (m.month == 12), m.month % 12 + 1, 1)
            published = timezone.make_aware(datetime(nxt.year, nxt.month, 2, 9))
            last = m == months[-2]
            b = Board(village=v, town_id=v.town_id, month=m, published_at=published,
                      notice_until=published + timedelta(days=7),
                      status=BoardStatus.PUBLISHED if last and (today - nxt).days < 9 else BoardStatus.FINAL)
            if b.status == BoardStatus.FINAL:
                b.finalised_at = b.notice_until
            boards.append(b)
    Board.objects.bulk_create(boards, batch_size=BATCH)
    BoardLine.objects.bulk_create(_board_lines(boards, book.postings), batch_size=BATCH)
    # Settlements for every complete month.
    per = defaultdict(lambda: [0, 0])
    for o in orders:
        if o.status == OrderStatus.CONFIRMED:
            m = timezone.localtime(o.confirmed_at).date().replace(day=1)
            if m < months[-1]:
                per[(o.merchant_id, m)][0] += 1
                per[(o.merchant_id, m)][1] += o.points
    by_id = {m.pk: m for m in merchants}
    Settlement.objects.bulk_create([
        Settlement(merchant_id=mid, month=m, orders=n, points=pts, yuan_per_point=by_id[mid].yuan_per_point,
                   amount=(Decimal(pts) * by_id[mid].yuan_per_point).quantize(Decimal("0.01")))
        for (mid, m), (n, pts) in per.items()], batch_size=BATCH)
    counts = {"postings": len(book.postings), "entries": n_entries, "accounts": len(accounts),
              "claims": len(claims) + len(pending), "orders": len(orders), "boards": len(boards),
              "merchants": len(merchants), "settlements": len(per), "policies": len(policies)}
    audit.record(None, "demo.points", object_type="points.demo", object_id="points",
                 summary=f"演示数据：积分记录 {counts['postings']} 条、兑换 {counts['orders']} 笔、公示榜 {counts['boards']} 张",
                 data=counts)
    return counts


def _board_lines(boards: list[Board], postings: list[Row]) -> list[BoardLine]:
    """The boards' snapshot rows computed from the in-memory ledger (same rules as ``boards._write_lines``)."""
    by_village: dict[int, list[Row]] = defaultdict(list)
    for p in postings:
        if p.person_id and p.honour:
            by_village[p.village_id].append(p)
    names = {}
    lines = []
    for rows in by_village.values():
        rows.sort(key=lambda p: p.at)
        for p in rows:
            names[p.person_id] = p.person.name
    for b in boards:
        start = timezone.make_aware(datetime(b.month.year, b.month.month, 1))
        nxt = date(b.month.year + (b.month.month == 12), b.month.month % 12 + 1, 1)
        end = timezone.make_aware(datetime(nxt.year, nxt.month, 1))
        total: dict[int, int] = defaultdict(int)
        earned: dict[int, int] = defaultdict(int)
        deducted: dict[int, int] = defaultdict(int)
        for p in by_village.get(b.village_id, []):
            if p.at >= end:
                break
            total[p.person_id] += p.honour
            if p.at >= start:
                (earned if p.honour > 0 else deducted)[p.person_id] += abs(p.honour)
        ordered = sorted(total, key=lambda pid: (-total[pid], names[pid], pid))
        lines.extend(BoardLine(board=b, person_id=pid, person_name=names[pid], rank=i + 1, earned=earned[pid],
                               deducted=deducted[pid], honour_total=total[pid]) for i, pid in enumerate(ordered))
    return lines
