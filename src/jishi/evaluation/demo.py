"""Demo evaluation: the "1+3+5+N" scheme of last year and this year's version (points of two indicators moved),
last year's assessment of every village and community confirmed with its star, and this year's in every state
of the chain (the demo generator's hook; runs after cases, visits, points and mediation).

The computed indicators are computed for real from the demo's records (the same services a community uses);
the evidence indicators are self-scored with one generated PDF of evidence per assessment (invented history).
The steps go through the services (each one a timeline row and an audit record, dated back for last year); the
invented history is not told (``consumers.fast_forward``).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.core.files.base import ContentFile
from django.db import transaction

from jishi.core import audit, consumers
from jishi.core.calendar import TZ
from jishi.evaluation import services
from jishi.evaluation.choices import State
from jishi.evaluation.models import Assessment, EvaluationEvent, Evidence, Scheme, Score
from jishi.org.models import Region
from jishi.org.policy import system_actor

NAME = "智慧社区（数字乡村）建设评价体系"
REASONS = ["佐证材料不完整，按实际核减", "现场核查与材料不符，核减", "台账缺少第四季度记录", "补充材料后核定"]


def _pdf(text: str) -> bytes:
    """A one-page PDF naming the evidence (ASCII body: the demo needs no font)."""
    body = f"BT /F1 12 Tf 50 780 Td ({text}) Tj ET".encode()
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(body) + body + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = b"%PDF-1.4\n", []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return out


def _schemes(year: int) -> tuple[Scheme, Scheme]:
    actor = system_actor()
    last = services.current_scheme(year - 1) or services.publish(
        actor, services.create_scheme(actor, year=year - 1, name=NAME))
    now = services.current_scheme(year)
    if now is None:
        now = services.new_version(actor, last, year=year)
        # this year's change: more weight on the visits, less on the data map (the two still sum to 100)
        a = now.indicators.get(code="1.1.1")
        b = now.indicators.get(code="2.2.1")
        services.update_indicator(actor, a, points=3)
        services.update_indicator(actor, b, points=5, standard="年度走访到的户占辖区户数100%得满分，60%及以下不得分（本年度分值由4分调为5分）。")
        now = services.publish(actor, now)
    return last, now


def _self_scores(rng, a: Assessment, pdf_name: str) -> None:
    scores = list(a.scores.select_related("indicator").filter(computed=False))
    quality = rng.uniform(0.55, 1.0)
    for s in scores:
        ind = s.indicator
        r = min(1.0, max(0.0, rng.gauss(quality, 0.15)))
        if ind.must_pass:
            r = max(r, 0.7) if rng.random() > 0.06 else rng.uniform(0.2, 0.5)
        s.self_points = round(ind.points * r * 2) / 2
        s.self_note = "详见佐证材料"
    Score.objects.bulk_update(scores, ["self_points", "self_note"])
    Evidence.objects.bulk_create([Evidence(assessment=a, indicator_id=s.indicator_id, file=pdf_name,
                                           name=f"{s.indicator.code}佐证材料.pdf", content_type="application/pdf",
                                           size=1, sha256="") for s in scores if s.self_points])


def _assess(rng, village: Region, scheme: Scheme, target: str) -> Assessment:
    actor = system_actor()
    a = services.start_assessment(actor, village, scheme=scheme)
    pdf = ContentFile(_pdf(f"{village.code} {scheme.year} evidence"))
    e = Evidence(assessment=a, indicator=a.scores.filter(computed=False).first().indicator, name="x.pdf",
                 content_type="application/pdf", size=pdf.size)
    e.file.save(f"demo-{scheme.year}-{village.code}.pdf", pdf, save=False)
    name = e.file.name
    with transaction.atomic():
        _self_scores(rng, a, name)
    if target == State.DRAFT:
        return a
    a = services.submit(actor, a)
    if target == State.SUBMITTED:
        return a
    if rng.random() < 0.4:
        s = a.scores.select_related("indicator").filter(computed=False, self_points__gt=1).order_by("?").first()
        if s is not None:
            services.adjust(actor, a, s.indicator, points=max(0, s.self_points - rng.choice((0.5, 1, 1.5))),
                            reason=rng.choice(REASONS))
    a = services.review(actor, a, note="材料齐全，同意上报")
    if target == State.REVIEWED:
        return a
    return services.confirm(actor, a, note="同意评定")


def generate(ctx) -> str:
    rng = ctx.rng
    today = ctx.today
    villages = list(Region.objects.filter(level="village").order_by("path"))
    if not villages:
        return "evaluation: no villages, skipped"
    last, now = _schemes(today.year)
    done = {(a, s) for a, s in Assessment.objects.values_list("village_id", "scheme_id")}
    stars: dict[int, int] = {}
    bar = ctx.progress(total=len(villages) * 2, desc="智慧社区评价")
    for v in villages:
        if (v.pk, last.pk) not in done:
            a = _assess(rng, v, last, State.CONFIRMED)
            stars[a.star] = stars.get(a.star, 0) + 1
        r = rng.random()
        target = (State.CONFIRMED if r < 0.35 else State.REVIEWED if r < 0.6 else State.SUBMITTED if r < 0.8
                  else State.DRAFT if r < 0.95 else None)
        if target and (v.pk, now.pk) not in done:
            _assess(rng, v, now, target)
        if bar is not None and hasattr(bar, "update"):
            bar.update(2)
    if bar is not None and hasattr(bar, "close"):
        bar.close()
    # last year's steps took place early this year
    early = datetime.combine(today.replace(month=1, day=20), time(10), TZ)
    past = EvaluationEvent.objects.filter(assessment__scheme=last)
    for verb, days in (("start", 0), ("refresh", 1), ("submit", 10), ("adjust", 20), ("review", 21), ("confirm", 40)):
        past.filter(verb=verb).update(at=early + timedelta(days=days))
    Assessment.objects.filter(scheme=last).update(submitted_at=early + timedelta(days=10),
                                                  reviewed_at=early + timedelta(days=21),
                                                  confirmed_at=early + timedelta(days=40))
    consumers.fast_forward(EvaluationEvent)
    n = Assessment.objects.count()
    audit.record(None, "demo.evaluation", object_type="evaluation.scheme", object_id=now.pk,
                 summary=f"演示智慧社区评价 {n} 个（{last.year}年度星级 {dict(sorted(stars.items()))}）")
    return f"evaluation: schemes {last.year}/{now.year}, {n} assessments"
