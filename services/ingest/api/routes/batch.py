"""`POST /v1/posts:batch`: up to 500 posts in one request, for platforms that submit in bulk
(a backfill, a queue drained every second). Each item is validated, deduplicated and published
exactly as `POST /v1/posts` would do it; the registry is claimed in one Redis round trip and
the posts are published together, then awaited together."""

from __future__ import annotations

import logging
from functools import partial

from fastapi import APIRouter

from services.contracts import topics
from services.ingest import metrics
from services.ingest.adapters.publisher import Delivery, Publisher
from services.ingest.adapters.registry import ClaimOutcome, PostRegistry
from services.ingest.api.deps import (
    PostWriter,
    PublisherDep,
    RegistryDep,
    SettingsDep,
    unavailable,
)
from services.ingest.domain.batch import (
    CONFLICT,
    BatchRequest,
    BatchResponse,
    Candidate,
    ItemResult,
    rejected,
    replied_to,
    screen,
    summary,
)

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v1", tags=["posts"])

ERRORS = {
    400: {"description": "Body is not valid JSON"},
    401: {"description": "No platform key, or not a valid one"},
    403: {"description": "The key lacks `posts:write`"},
    422: {"description": "Not a batch: `posts` missing, empty or over 500 items"},
    429: {"description": "Over the key's requests per minute (a batch counts once)"},
    503: {"description": "Kafka took none of the posts; nothing was accepted, retry"},
}


@router.post("/posts:batch", response_model=BatchResponse, responses=ERRORS)
async def submit_batch(
    body: BatchRequest,
    platform: PostWriter,
    settings: SettingsDep,
    publisher: PublisherDep,
    registry: RegistryDep,
) -> BatchResponse:
    """Accept up to 500 posts; each gets its own answer (accepted, duplicate or rejected with
    the reason), in order, and a bad item never fails the others."""
    parents = await registry.parent_authors(platform.tenant, replied_to(body.posts))
    limits = settings.max_text_chars, settings.max_metadata_bytes
    candidates, answered = screen(body.posts, platform.tenant, *limits, parents)
    outcomes = await registry.claim_many([(c.event, c.fingerprint) for c in candidates])
    fresh: list[Candidate] = []
    for candidate, outcome in zip(candidates, outcomes, strict=True):
        if outcome is ClaimOutcome.CONFLICT:
            answered.append(rejected(candidate.index, "external_id_conflict", CONFLICT))
        elif outcome is ClaimOutcome.DUPLICATE:
            answered.append(duplicate(candidate))
        else:
            fresh.append(candidate)
    deliveries = await publish(publisher, registry, fresh, settings.publish_timeout_seconds)
    done = [c for c, d in zip(fresh, deliveries, strict=True) if d is Delivery.ACKED]
    lost = [c for c, d in zip(fresh, deliveries, strict=True) if d is not Delivery.ACKED]
    # a pending post's claim waits for Kafka's answer (`settle`): it may be published yet
    failed = [c for c, d in zip(fresh, deliveries, strict=True) if d is Delivery.FAILED]
    await registry.release_many([c.post.post_id for c in failed])
    pending = [c for c, d in zip(fresh, deliveries, strict=True) if d is Delivery.PENDING]
    await registry.uncertain_many([c.post.post_id for c in pending])
    if fresh and not done and not answered:
        raise unavailable("No post could be queued; nothing was accepted. Retry.", settings)
    await registry.mark_published_many([c.post.post_id for c in done])
    answered += [accepted(c) for c in done]
    answered += [rejected(c.index, "unavailable", "Could not be queued; retry it.") for c in lost]
    count_outcomes(answered, platform.tenant)
    return with_status_urls(summary(answered), settings.gateway_public_url)


async def publish(
    publisher: Publisher, registry: PostRegistry, fresh: list[Candidate], seconds: float
) -> list[Delivery]:
    records = [
        (
            c.admitted.value,
            topics.POSTS_SUBMITTED,
            topics.author_key(c.post.tenant, c.post.author_id),
        )
        for c in fresh
    ]
    settled = [partial(registry.settled, c.post.post_id) for c in fresh]
    with metrics.PUBLISH_SECONDS.time():
        deliveries = await publisher.publish_many(records, seconds, settled) if records else []
    unacked = sum(d is not Delivery.ACKED for d in deliveries)
    if unacked:
        log.error("batch items not published", extra={"count": unacked})
    return deliveries


def accepted(candidate: Candidate) -> ItemResult:
    return ItemResult(index=candidate.index, status="accepted", post_id=candidate.post.post_id)


def duplicate(candidate: Candidate) -> ItemResult:
    return ItemResult(index=candidate.index, status="duplicate", post_id=candidate.post.post_id)


def count_outcomes(results: list[ItemResult], tenant: str) -> None:
    metrics.POSTS_ACCEPTED.labels(tenant).inc(sum(r.status == "accepted" for r in results))
    metrics.POSTS_DUPLICATE.inc(sum(r.status == "duplicate" for r in results))
    for result in results:
        if result.error is not None:
            metrics.POSTS_REJECTED.labels(result.error.code).inc()


def with_status_urls(response: BatchResponse, gateway: str) -> BatchResponse:
    base = gateway.rstrip("/")
    for result in response.results:
        if result.post_id:
            result.status_url = f"{base}/v1/posts/{result.post_id}/decision"
    return response
