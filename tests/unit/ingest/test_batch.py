"""A batch's items are screened one by one, exactly as single submissions are."""

from __future__ import annotations

from services.contracts.events import PostSubmitted
from services.ingest.domain.batch import ItemResult, replied_to, screen, summary


def item(external_id: str, text: str = "hello", **more) -> dict:
    return {"external_id": external_id, "author_id": "u-1", "text": text, **more}


def screened(items: list[dict]):
    return screen(items, "acme", max_text_chars=100, max_metadata_bytes=1000)


def test_good_items_become_posts_of_the_keys_tenant_in_order() -> None:
    candidates, answered = screened([item("a"), item("b", tenant="acme")])
    assert [c.index for c in candidates] == [0, 1]
    assert {c.post.tenant for c in candidates} == {"acme"} and not answered


def test_each_bad_item_is_rejected_with_its_own_reason_and_the_rest_go_on() -> None:
    candidates, answered = screened(
        [
            item("ok"),
            {"external_id": "x", "text": "no author"},
            item("empty", text="   "),
            item("long", text="x" * 101),
            item("other", tenant="someone-else"),
            item("extra", colour="red"),
        ]
    )
    assert [c.post.external_id for c in candidates] == ["ok"]
    codes = {r.index: r.error.code for r in answered}
    assert codes == {
        1: "invalid_request",
        2: "text_empty",
        3: "text_too_long",
        4: "tenant_mismatch",
        5: "invalid_request",
    }
    missing = next(r for r in answered if r.index == 1)
    assert missing.error.details[0]["field"] == "author_id"


def test_a_repeat_inside_the_batch_is_a_duplicate_or_a_conflict() -> None:
    candidates, answered = screened([item("a"), item("a"), item("a", text="changed")])
    assert len(candidates) == 1
    assert [(r.index, r.status) for r in answered] == [(1, "duplicate"), (2, "rejected")]
    assert answered[0].post_id == candidates[0].post.post_id
    assert answered[1].error.code == "external_id_conflict"


def test_the_summary_counts_and_orders_by_index() -> None:
    results = [
        ItemResult(index=2, status="rejected"),
        ItemResult(index=0, status="accepted", post_id="p"),
        ItemResult(index=1, status="duplicate", post_id="p"),
    ]
    answer = summary(results)
    assert [r.index for r in answer.results] == [0, 1, 2]
    assert (answer.accepted, answer.duplicates, answer.rejected) == (1, 1, 1)


def nested(levels: int) -> dict:
    value: dict = {}
    for _ in range(levels - 1):
        value = {"a": value}
    return value


def test_what_cannot_be_published_is_refused_before_anything_is_claimed() -> None:
    """The probe's batch [good, good, bad, good]: the bad item is refused on its own, and the
    good ones come encoded, so publishing them cannot fail half way on the bad one."""
    candidates, answered = screened(
        [
            item("a"),
            item("b"),
            item("c", metadata={"k": "\ud800"}),
            item("d"),
            item("e", metadata=nested(300)),
            item("f", text="hi \udfff"),
            item("g", metadata={"\ud800": 1}),
        ]
    )
    assert [c.post.external_id for c in candidates] == ["a", "b", "d"]
    # each comes encoded: the very record that is published, and nothing else to fail on
    assert all(PostSubmitted.model_validate_json(c.admitted.value) == c.event for c in candidates)
    codes = {r.index: r.error.code for r in answered}
    assert codes == {
        2: "metadata_not_unicode",
        4: "metadata_too_deep",
        5: "invalid_request",
        6: "metadata_not_unicode",
    }
    fields = {r.index: r.error.details[0]["field"] for r in answered}
    assert fields[2] == "metadata.k" and fields[5] == "text"


def test_metadata_at_the_depth_limit_passes() -> None:
    candidates, _ = screened([item("a", metadata=nested(16))])
    assert len(candidates) == 1


def test_a_reply_names_its_parents_author_from_ingest_or_from_earlier_in_the_batch() -> None:
    items = [
        {"external_id": "p1", "author_id": "alice", "text": "a question"},
        {"external_id": "r1", "author_id": "bob", "text": "an answer", "reply_to": "p1"},
        {"external_id": "r2", "author_id": "carol", "text": "old", "reply_to": "p0"},
        {"external_id": "r3", "author_id": "dan", "text": "lost", "reply_to": "nowhere"},
        {"external_id": "r4", "author_id": "eve", "text": "hi", "mentions": ["bob", "bob", "x"]},
    ]
    assert replied_to([*items, {"reply_to": 5}, "not an item"]) == {"p1", "p0", "nowhere"}
    candidates, answered = screen(items, "acme", 1000, 1000, {"p0": "zed"})
    assert answered == []
    posts = {c.post.external_id: c.post for c in candidates}
    assert posts["r1"].reply_to_author == "alice" and posts["r2"].reply_to_author == "zed"
    assert posts["r3"].reply_to_author is None and posts["p1"].reply_to_author is None
    assert posts["r4"].mentions == ["bob", "x"] and posts["r4"].aimed_at == {"bob", "x"}
    assert posts["r1"].aimed_at == {"alice"}
