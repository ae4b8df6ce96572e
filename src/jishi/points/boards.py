"""The monthly public board (公示榜) of a village: generated and published for a notice period, during
which villagers may object to a posting (the posting's points are frozen until the objection is
resolved); after the period, with no objection open, the board is final and its rows frozen."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from jishi.core import audit, limits
from jishi.core.errors import Conflict, PermissionDenied, ValidationFailed
from jishi.org.models import Person, Region
from jishi.org.policy import as_actor
from jishi.points import ledger
from jishi.points.access import clean, manages, person_of, require_manager
from jishi.points.choices import AccountKind, BoardStatus, ObjectionStatus, PostingKind
from jishi.points.earning import reverse
from jishi.points.models import Board, BoardLine, Objection, Posting

NOTICE_DAYS = 7
BOARD_KINDS = (PostingKind.EARN, PostingKind.DEDUCT)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime(month.year, month.month, 1))
    nxt = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return start, timezone.make_aware(datetime(nxt.year, nxt.month, 1))


def board_postings(board: Board):
    start, end = month_bounds(board.month)
    return (Posting.objects.filter(village_id=board.village_id, at__gte=start, at__lt=end, kind__in=BOARD_KINDS)
            .select_related("person", "item").order_by("at", "id"))


def _write_lines(board: Board) -> int:
    start, end = month_bounds(board.month)
    live = Posting.objects.filter(village_id=board.village_id, person__isnull=False, reversal__isnull=True).exclude(
        kind=PostingKind.REVERSE)  # a reversed posting and its reversal both leave the board
    month = (live.filter(at__gte=start, at__lt=end)
             .values("person").annotate(earned=Sum("honour", filter=Q(honour__gt=0)),
                                        deducted=Sum("honour", filter=Q(honour__lt=0))))
    totals = dict(live.filter(at__lt=end)
                  .values("person").annotate(t=Sum("honour")).values_list("person", "t"))
    names = dict(Person.objects.filter(pk__in=list(totals)).values_list("pk", "name"))
    rows = {r["person"]: r for r in month}

    def net(pid: int) -> int:  # the month's own points: the board ranks the period it shows
        r = rows.get(pid) or {}
        return (r.get("earned") or 0) + (r.get("deducted") or 0)

    ordered = sorted(totals, key=lambda pid: (-net(pid), -(totals[pid] or 0), names.get(pid, ""), pid))
    ranks: list[int] = []
    for i, pid in enumerate(ordered):  # equal month points share a rank (1, 1, 3)
        ranks.append(ranks[-1] if i and net(pid) == net(ordered[i - 1]) else i + 1)
    BoardLine.objects.filter(board=board).delete()
    BoardLine.objects.bulk_create([
        BoardLine(board=board, person_id=pid, person_name=names.get(pid, ""), rank=ranks[i],
                  earned=(rows.get(pid) or {}).get("earned") or 0, deducted=-((rows.get(pid) or {}).get("deducted") or 0),
                  honour_total=totals[pid] or 0)
        for i, pid in enumerate(ordered)
    ], batch_size=1000)
    return len(ordered)


@transaction.atomic
def publish_board(actor, village: Region, month: date, *, notice_days: int = NOTICE_DAYS, now: datetime | None = None) -> Board:
    """Generate the village's board for ``month`` and publish it for ``notice_days`` days."""
    actor = as_actor(actor)
    require_manager(actor, village, "发布积分公示榜")
    month = month.replace(day=1)
    now = now or timezone.now()
    if month_bounds(month)[1] > now:
        raise ValidationFailed("当月尚未结束，不能公示", field="month")
    board, _ = Board.objects.select_for_update().get_or_create(
        village=village, month=month, defaults={"town_id": village.town_id})
    if board.status != BoardStatus.DRAFT:
        raise Conflict(f"{month:%Y年%m月}公示榜已{board.get_status_display()}", code="board_published")
    n = _write_lines(board)
    board.status, board.published_at, board.published_by = BoardStatus.PUBLISHED, now, actor.user
    board.notice_until = now + timedelta(days=notice_days)
    board.save()
    audit.record(actor.user, "points.board.publish", board, summary=f"{village.name}{month:%Y年%m月}积分榜公示（{n} 人）")
    return board


@transaction.atomic
def raise_objection(actor, board: Board, posting: Posting, reason: str, *, now: datetime | None = None) -> Objection:
    """A villager of the village objects to a posting on the published board; its points are frozen."""
    actor = as_actor(actor)
    user = actor.user
    now = now or timezone.now()
    reason = clean(reason, limits.POINTS_OBJECTION, field="reason", label="异议理由")
    person = person_of(actor)
    if not ((person and person.village_id == board.village_id) or manages(actor, board)):
        raise PermissionDenied("只有本村村民可以对公示榜提出异议")
    board = Board.objects.select_for_update().get(pk=board.pk)
    if board.status != BoardStatus.PUBLISHED or now > board.notice_until:
        raise Conflict("公示期已过或尚未公示，不能提出异议", code="not_in_notice")
    if not board_postings(board).filter(pk=posting.pk).exists():
        raise ValidationFailed("该积分记录不在这张公示榜上", field="posting")
    if Posting.objects.filter(reverses=posting).exists():
        raise Conflict("该积分记录已冲正", code="already_reversed")
    if Objection.objects.filter(posting=posting, status=ObjectionStatus.OPEN).exists():
        raise Conflict("该积分记录已有异议在处理中", code="objection_open")
    if not reason.strip():
        raise ValidationFailed("请写明异议理由", field="reason")
    objection = Objection(board=board, posting=posting, raised_by=user, reason=reason.strip()[:300])
    objection.place_in(board.village)
    objection.save()
    if posting.points > 0 and posting.person_id:
        redeemable = ledger.person_account(posting.person)
        frozen = ledger.system_account(AccountKind.FROZEN, board.village_id)
        balances = ledger.locked_balances([redeemable, frozen])
        amount = min(posting.points, balances[redeemable.pk])
        if amount:
            ledger.post(key=f"freeze:{objection.pk}", kind=PostingKind.FREEZE, legs=[(redeemable, -amount), (frozen, amount)],
                        reason=f"异议冻结：{posting.reason}"[:200], person=posting.person, points=-amount, actor=user,
                        source=f"objection:{objection.pk}", region=posting, locked=balances)
        objection.frozen = amount
        objection.save(update_fields=["frozen"])
    audit.record(user, "points.objection.raise", objection, summary=f"对积分记录 #{posting.pk} 提出异议：{reason}")
    return objection


@transaction.atomic
def resolve_objection(actor, objection: Objection, upheld: bool, resolution: str) -> Objection:
    """Upheld: the posting is reversed (the frozen points go back to issuance). Dismissed: the points are unfrozen."""
    actor = as_actor(actor)
    require_manager(actor, objection, "处理异议")
    actor = actor.user  # the ledger, the reversal and the audit trail record the user
    resolution = clean(resolution, limits.POINTS_OBJECTION, field="resolution", label="处理意见")
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.status != ObjectionStatus.OPEN:
        raise Conflict("该异议已处理", code="objection_closed")
    if not resolution.strip():
        raise ValidationFailed("请填写处理意见", field="resolution")
    posting = objection.posting
    frozen = ledger.system_account(AccountKind.FROZEN, objection.village_id)
    if upheld:
        redeemable = ledger.person_account(posting.person) if posting.person_id else None
        if objection.frozen and redeemable is not None:
            # The frozen part comes from the freeze account; what the person spent before the objection is written off.
            sub = {redeemable.pk: frozen}
            rev = reverse(actor, posting, f"异议成立：{resolution}"[:limits.POINTS_REVERSAL], substitute=sub) if objection.frozen == posting.points \
                else _partial_reversal(actor, posting, objection, frozen, resolution)
        else:
            rev = reverse(actor, posting, f"异议成立：{resolution}"[:limits.POINTS_REVERSAL])
        objection.status = ObjectionStatus.UPHELD
        audit.record(actor, "points.objection.uphold", objection, summary=f"异议成立，冲正 #{rev.pk}")
    else:
        if objection.frozen:
            redeemable = ledger.person_account(posting.person)
            ledger.post(key=f"unfreeze:{objection.pk}", kind=PostingKind.UNFREEZE,
                        legs=[(frozen, -objection.frozen), (redeemable, objection.frozen)],
                        reason=f"异议不成立，解冻：{posting.reason}"[:200], person=posting.person,
                        points=objection.frozen, actor=actor, source=f"objection:{objection.pk}", region=posting)
        objection.status = ObjectionStatus.DISMISSED
        audit.record(actor, "points.objection.dismiss", objection, summary="异议不成立，解冻")
    objection.resolution, objection.resolved_by = resolution.strip()[:300], actor
    objection.save(update_fields=["status", "resolution", "resolved_by", "updated_at"])
    return objection


def _partial_reversal(actor, posting: Posting, objection: Objection, frozen, resolution: str) -> Posting:
    vid = posting.village_id
    issuance = ledger.system_account(AccountKind.ISSUANCE, vid)
    honour = ledger.person_account(posting.person, AccountKind.HONOUR)
    honour_src = ledger.system_account(AccountKind.HONOUR_SOURCE, vid)
    rev = ledger.post(key=f"reverse:{posting.pk}", kind=PostingKind.REVERSE, reverses=posting,
                      legs=[(frozen, -objection.frozen), (issuance, objection.frozen),
                            (honour, -posting.honour), (honour_src, posting.honour)],
                      reason=f"冲正：异议成立：{resolution}（已兑换部分 {posting.points - objection.frozen} 分不追回）"[:200],
                      person=posting.person, points=-objection.frozen, honour=-posting.honour, actor=actor,
                      item=posting.item, source=f"posting:{posting.pk}", region=posting)
    audit.record(actor, "points.reverse", rev, summary=f"冲正积分记录 #{posting.pk}（部分）")
    return rev


@transaction.atomic
def finalise_board(actor, board: Board, *, now: datetime | None = None) -> Board:
    """After the notice period and with no objection open, rewrite the rows once and freeze the board."""
    actor = as_actor(actor)
    require_manager(actor, board, "定榜")
    now = now or timezone.now()
    board = Board.objects.select_for_update().get(pk=board.pk)
    if board.status != BoardStatus.PUBLISHED:
        raise Conflict(f"公示榜{board.get_status_display()}，不能定榜", code="board_not_published")
    if now < board.notice_until:
        raise Conflict(f"公示期至 {timezone.localtime(board.notice_until):%Y-%m-%d %H:%M}，期满后才能定榜", code="in_notice")
    open_n = board.objections.filter(status=ObjectionStatus.OPEN).count()
    if open_n:
        raise Conflict(f"还有 {open_n} 条异议未处理，不能定榜", code="objections_open")
    _write_lines(board)
    board.status, board.finalised_at = BoardStatus.FINAL, now
    board.save(update_fields=["status", "finalised_at", "updated_at"])
    audit.record(actor.user, "points.board.finalise", board, summary=f"{board.village}{board.month:%Y年%m月}积分榜定榜")
    return board


def visible_boards(actor):
    """The boards ``actor`` may open: those of the villages they manage ("manage"), and their own village's
    published and final boards."""
    actor = as_actor(actor)
    qs = Board.objects.select_related("village")
    managed = qs.restrict(actor, "manage")
    if actor.person_id is None:
        return managed
    own_village = Person.objects.filter(pk=actor.person_id, village__isnull=False).values("village_id")
    return managed | qs.filter(village_id__in=own_village, status__in=[BoardStatus.PUBLISHED, BoardStatus.FINAL])
