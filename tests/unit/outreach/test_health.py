"""The community health report: what each case change counts, the period's totals and
workload, and a page that escapes what it shows."""

from __future__ import annotations

from datetime import UTC, date, datetime

from services.contracts.cases import Case, CaseState
from services.contracts.events import Action, CaseEvent, CaseEventKind
from services.outreach.domain.health import case_counts, report
from services.outreach.domain.health_page import as_html

T0 = datetime(2026, 12, 7, 9, tzinfo=UTC)


def case(**fields) -> Case:
    base = {"case_id": "c1", "post_id": "p1", "tenant": "t", "author_id": "a", "community": "help",
            "queue": "general", "priority": 3, "sla_deadline": None, "opened_at": T0}  # fmt: skip
    return Case(**(base | fields))


def event(kind: CaseEventKind, actor: str = "mo", **fields) -> CaseEvent:
    return CaseEvent(case_id="c1", post_id="p1", tenant="t", author_id="a", community="help",
                     kind=kind, queue="general", actor=actor, occurred_at=T0, **fields)  # fmt: skip


def test_what_each_change_counts():
    assert case_counts(event(CaseEventKind.OPENED, "system"), None, case()) == {"opened": 1}
    assert case_counts(event(CaseEventKind.ESCALATED, "system"), case(), case()) == {
        "sla_breaches": 1
    }
    assert case_counts(event(CaseEventKind.ESCALATED, "mo"), case(), case()) == {}
    assert case_counts(event(CaseEventKind.RESOLVED, resolution=Action.REMOVE), case(), case()) == {
        "resolved": 1, "by:mo": 1}  # fmt: skip
    assert case_counts(event(CaseEventKind.ANSWERED, "cm"), case(), case()) == {
        "answered": 1,
        "by:cm": 1,
    }
    assert case_counts(event(CaseEventKind.APPEALED), case(), case()) == {"appeals": 1}


def test_an_appeal_decided_the_other_way_is_an_overturn():
    appealed = case(state=CaseState.OPEN, appealed=True, resolution=Action.REMOVE)
    overturned = case_counts(
        event(CaseEventKind.RESOLVED, "meg", resolution=Action.ALLOW), appealed, case()
    )
    upheld = case_counts(
        event(CaseEventKind.RESOLVED, "meg", resolution=Action.REMOVE), appealed, case()
    )
    assert overturned["overturned"] == 1 and "overturned" not in upheld


def test_totals_and_workload_over_the_days():
    per_day = [
        (date(2026, 12, 6), {"volume": "100", "negative": "20", "toxic": "5", "by:mo": "3", "opened": "4"}),
        (date(2026, 12, 7), {}),
        (date(2026, 12, 8), {"volume": "50", "negative": "5", "by:mo": "1", "by:cm": "2"}),
    ]  # fmt: skip
    built = report("t", "help", date(2026, 12, 6), date(2026, 12, 8), per_day, [], [], [])
    assert built.totals["volume"] == 150 and built.totals["opened"] == 4
    assert built.workload == {"mo": 4, "cm": 2}
    assert built.days[0].rate("negative") == 0.2 and built.days[1].rate("negative") is None


def test_the_page_escapes_what_it_shows_and_has_tables_for_its_chart():
    themes = [{"theme": "<script>x</script>", "language": "en", "count": 3, "status": "fixed",
               "owner": "maria & co", "tracker_url": "javascript:alert(1)"}]  # fmt: skip
    events = [{"kind": "wave_started", "at": "2026-12-06T10:00:00+00:00"}]
    built = report("t", "<b>help</b>", date(2026, 12, 6), date(2026, 12, 6),
                   [(date(2026, 12, 6), {"volume": "10"})], events, [], themes)  # fmt: skip
    page = as_html(built)
    assert "<script>x" not in page and "&lt;script&gt;x" in page
    assert "&lt;b&gt;help&lt;/b&gt;" in page and "maria &amp; co" in page
    assert "javascript:" not in page  # a tracker link must be http(s)
    assert 'role="img"' in page and "<caption>Day by day</caption>" in page
    assert "a wave of negativity started" in page and '<html lang="en">' in page
