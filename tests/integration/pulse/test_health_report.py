"""The community health report on real Kafka and Redis: outreach counts mood windows (of its
length only, each once), cases with their SLA breaches, appeals and overturns, and waves, from
the topics; the report gives them day by day with the digest's themes, as JSON and HTML."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from services.contracts import topics
from services.contracts.events import (
    Action,
    CaseEvent,
    CaseEventKind,
    CommunityAlert,
    CommunityAlertKind,
    MoodWindow,
)  # fmt: skip
from services.outreach.config import Settings as OutreachSettings
from services.outreach.main import create_app as create_outreach
from services.pulse.app import create_app as create_pulse
from services.pulse.config import Settings as PulseSettings
from services.shared.internal import on_behalf_of
from tests.conftest import Infra
from tests.integration.helpers import eventually, produce, running, serving

pytestmark = pytest.mark.integration
INTERNAL = "health-internal"


def window(tenant: str, hours_ago: int, volume: int, seconds: int = 3600) -> bytes:
    begins = (datetime.now(UTC) - timedelta(hours=hours_ago)).replace(
        minute=0, second=0, microsecond=0
    )
    return MoodWindow(tenant=tenant, community="help", window_seconds=seconds, starts_at=begins,
                      ends_at=begins + timedelta(seconds=seconds), volume=volume, toxic=volume // 10,
                      negative=volume // 4, civil_negative=2, actioned=1).model_dump_json().encode()  # fmt: skip


def case_events(tenant: str) -> list[bytes]:
    base = {"case_id": f"c-{tenant}", "post_id": "p1", "tenant": tenant, "author_id": "a1",
            "community": "help", "queue": "general"}  # fmt: skip
    made = [CaseEvent(**base, kind=CaseEventKind.OPENED, actor="system"),
            CaseEvent(**base, kind=CaseEventKind.ESCALATED, actor="system"),
            CaseEvent(**base, kind=CaseEventKind.RESOLVED, actor="mo", resolution=Action.REMOVE),
            CaseEvent(**base, kind=CaseEventKind.APPEALED, actor="mo"),
            CaseEvent(**base, kind=CaseEventKind.RESOLVED, actor="meg", resolution=Action.ALLOW)]  # fmt: skip
    return [e.model_dump_json().encode() for e in made]


async def test_the_report_counts_the_period_day_by_day(infra: Infra, tenant: str) -> None:
    common = {"kafka_bootstrap_servers": infra.kafka_bootstrap, "redis_url": infra.redis_url,
              "internal_token": INTERNAL}  # fmt: skip
    pulse = create_pulse(PulseSettings(**common, kafka_group_id=f"pulse-{uuid.uuid4().hex[:6]}",
                                       pulse_start_from="latest"))  # fmt: skip
    windows = [  # an hour's window twice (counted once), another hour's, another length's
        window(tenant, 0, 40),
        window(tenant, 0, 40),
        window(tenant, 1, 60),
        window(tenant, 0, 999, seconds=300),
    ]
    now = datetime.now(UTC)
    alert = CommunityAlert(tenant=tenant, community="help", kind=CommunityAlertKind.WAVE_STARTED,
                           window_seconds=300, wave_started_at=now, at=now, volume=50,
                           negative=30, rate=0.6, baseline=0.2, surprise=8.0)  # fmt: skip
    staff = {"authorization": f"Bearer {INTERNAL}", **on_behalf_of(tenant, "cm", "moderator")}
    async with serving(pulse) as pulse_url:
        outreach = create_outreach(OutreachSettings(**common, pulse_url=pulse_url,
                                                    kafka_group_id=f"outreach-{uuid.uuid4().hex[:6]}"))  # fmt: skip
        async with running(outreach) as client:
            await produce(infra.kafka_bootstrap, topics.MOOD, windows)
            await produce(infra.kafka_bootstrap, topics.CASE_EVENTS, case_events(tenant))
            await produce(
                infra.kafka_bootstrap, topics.COMMUNITY_ALERTS, [alert.model_dump_json().encode()]
            )
            params = {"community": "help", "days": 2}

            async def counted() -> dict | None:
                found = (
                    await client.get("/v1/moderation/reports/health", params=params, headers=staff)
                ).json()
                done = (
                    found["totals"]["volume"] == 100
                    and found["totals"]["overturned"] == 1
                    and found["events"]
                )
                return found if done else None

            found = await eventually(counted, timeout=60)
            page = await client.get("/v1/moderation/reports/health", params={**params, "format": "html"},
                                    headers=staff)  # fmt: skip
            unsigned = await client.get("/v1/moderation/reports/health", params=params)
    assert found, "outreach never counted the sources"
    totals = found["totals"]
    assert (totals["toxic"], totals["negative"], totals["opened"], totals["resolved"]) == (
        10,
        25,
        1,
        2,
    )
    assert (totals["sla_breaches"], totals["appeals"], totals["overturned"]) == (1, 1, 1)
    assert found["workload"] == {"meg": 1, "mo": 1}
    assert [e["kind"] for e in found["events"]] == ["wave_started"]
    assert len(found["days"]) == 2
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Community health: help" in page.text and "a wave of negativity started" in page.text
    assert unsigned.status_code == 401
