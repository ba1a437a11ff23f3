"""Properties of the engine over the shipped default policy and generated inputs (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from services.contracts.events import LABELS, AuthorFacts
from services.escalation.config import REPO_POLICIES
from services.policy.language import SEVERITY, PostFacts, evaluate
from services.policy.text import parse_policy

POLICY = parse_policy((REPO_POLICIES / "default.yaml").read_text(), "default.yaml")
CRISIS = POLICY.model_copy(
    update={"crisis": POLICY.crisis.model_copy(update={"communities": ["c1"]})}
)

probability = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
scores = st.dictionaries(st.sampled_from(LABELS), probability)
texts = st.sampled_from(
    ["", "I want a refund", "this is terrible and broken", "hello", "scunthorpe"]
)
authors = st.one_of(
    st.none(), st.builds(AuthorFacts, account_age_days=st.one_of(st.none(), st.integers(0, 50)))
)
facts = st.builds(
    PostFacts,
    scores=scores,
    text=texts,
    community=st.sampled_from([None, "c1", "c2"]),
    author=authors,
    strikes=st.integers(0, 12),
)


def severity(post: PostFacts, policy=POLICY) -> int:
    return SEVERITY[evaluate(post, policy).action]


@settings(max_examples=400)
@given(facts, st.sampled_from(LABELS), probability)
def test_raising_a_score_never_gives_a_more_lenient_action(
    post: PostFacts, label: str, bump: float
) -> None:
    higher = dict(post.scores)
    higher[label] = max(higher.get(label, 0.0), bump)
    for policy in (POLICY, CRISIS):
        assert severity(PostFacts(**{**post.__dict__, "scores": higher}), policy) >= severity(
            post, policy
        )


@settings(max_examples=400)
@given(facts, st.integers(1, 5))
def test_adding_strikes_never_gives_a_more_lenient_action(post: PostFacts, extra: int) -> None:
    more = PostFacts(**{**post.__dict__, "strikes": post.strikes + extra})
    assert severity(more) >= severity(post)


@settings(max_examples=200)
@given(facts)
def test_crisis_mode_never_gives_a_more_lenient_action(post: PostFacts) -> None:
    in_crisis = PostFacts(**{**post.__dict__, "community": "c1"})
    calm = PostFacts(**{**post.__dict__, "community": "c1"})
    assert severity(in_crisis, CRISIS) >= severity(calm, POLICY)


@settings(max_examples=200)
@given(facts)
def test_evaluation_is_deterministic(post: PostFacts) -> None:
    assert evaluate(post, POLICY) == evaluate(post, POLICY)
