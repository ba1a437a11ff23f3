"""A batch of posts (`POST /v1/posts:batch`): each item is checked on its own, exactly as a
single submission would be, so one bad item never fails the others. Pure, no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from services.contracts.events import Post, PostSubmitted
from services.ingest.domain.submission import (
    Admitted,
    Rejection,
    SubmitPostRequest,
    WrongTenant,
    admit,
)

MAX_BATCH = 500


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    posts: list[dict[str, Any]] = Field(
        min_length=1,
        max_length=MAX_BATCH,
        description="Up to 500 posts, each shaped as for `POST /v1/posts`; each is answered "
        "on its own, in the same order.",
        examples=[
            [
                {"external_id": "comment-981", "author_id": "user-17", "text": "Thanks!"},
                {"external_id": "comment-982", "author_id": "user-4", "text": ""},
            ]
        ],
    )


class ItemError(BaseModel):
    code: str = Field(examples=["text_empty"])
    message: str = Field(examples=["text is empty or only whitespace"])
    details: list[dict[str, Any]] = Field(default_factory=list)


class ItemResult(BaseModel):
    index: int = Field(description="The item's position in `posts`.", examples=[0])
    status: Literal["accepted", "duplicate", "rejected"] = Field(examples=["accepted"])
    post_id: str | None = Field(default=None, examples=["f2e82753-2e9d-4bfd-b0bd-e7a9ea526965"])
    status_url: str | None = None
    error: ItemError | None = None


class BatchResponse(BaseModel):
    accepted: int = Field(examples=[499])
    duplicates: int = Field(examples=[0])
    rejected: int = Field(examples=[1])
    results: list[ItemResult]


@dataclass(frozen=True)
class Candidate:
    """An item that passed every check: what to claim and publish."""

    index: int
    admitted: Admitted

    @property
    def event(self) -> PostSubmitted:
        return self.admitted.event

    @property
    def fingerprint(self) -> str:
        return self.admitted.fingerprint

    @property
    def post(self) -> Post:
        return self.admitted.post


def rejected(index: int, code: str, message: str, details: list | None = None) -> ItemResult:
    error = ItemError(code=code, message=message, details=details or [])
    return ItemResult(index=index, status="rejected", error=error)


def replied_to(items: list[dict[str, Any]]) -> set[str]:
    """The parents the items name, before they are validated (a bad one is refused later)."""
    return {
        i["reply_to"] for i in items if isinstance(i, dict) and isinstance(i.get("reply_to"), str)
    }


def screen(
    items: list[dict[str, Any]],
    key_tenant: str,
    max_text_chars: int,
    max_metadata_bytes: int,
    parents: dict[str, str] | None = None,
) -> tuple[list[Candidate], list[ItemResult]]:
    """(items to claim and publish, items answered already: rejected, or repeats of an earlier
    item of the same batch). A repeat with other content is a conflict, as across requests.
    `parents`: the authors of the posts replies name, as ingest received them; a parent earlier
    in the same batch counts too."""
    parents = dict(parents or {})
    candidates: list[Candidate] = []
    answered: list[ItemResult] = []
    first: dict[str, Candidate] = {}
    for index, raw in enumerate(items):
        try:
            request = SubmitPostRequest.model_validate(raw)
            parent = parents.get(request.reply_to) if request.reply_to else None
            limits = max_text_chars, max_metadata_bytes
            candidate = Candidate(index, admit(request, key_tenant, *limits, None, parent))
        except ValidationError as error:
            details = [
                {"field": ".".join(map(str, e["loc"])), "problem": e["msg"]} for e in error.errors()
            ]
            answered.append(rejected(index, "invalid_request", "The post is not valid.", details))
            continue
        except WrongTenant as wrong:
            answered.append(rejected(index, "tenant_mismatch", str(wrong)))
            continue
        except Rejection as rejection:
            details = [{"field": rejection.field, "problem": rejection.message}]
            answered.append(rejected(index, rejection.code, rejection.message, details))
            continue
        post = candidate.post
        parents.setdefault(post.external_id, post.author_id)
        earlier = first.get(post.post_id)
        if earlier is None:
            first[post.post_id] = candidate
            candidates.append(candidate)
        elif earlier.fingerprint == candidate.fingerprint:
            answered.append(ItemResult(index=index, status="duplicate", post_id=post.post_id))
        else:
            answered.append(rejected(index, "external_id_conflict", CONFLICT))
    return candidates, answered


CONFLICT = "This external_id was already submitted with other content."


def summary(results: list[ItemResult]) -> BatchResponse:
    ordered = sorted(results, key=lambda r: r.index)
    count = {s: sum(1 for r in ordered if r.status == s) for s in ("accepted", "duplicate")}
    return BatchResponse(
        accepted=count["accepted"],
        duplicates=count["duplicate"],
        rejected=len(ordered) - count["accepted"] - count["duplicate"],
        results=ordered,
    )
