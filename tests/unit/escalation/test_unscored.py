"""Never allowed on a model's silence: a post without scores matches `unscored`, the default
policy holds it for a person with its language named, and `languages` selects by language."""

from __future__ import annotations

from pathlib import Path

from services.policy.language import Action, PostFacts, evaluate
from services.policy.text import parse_policy

DEFAULT = Path(__file__).parents[3] / "deploy" / "policies" / "default.yaml"


def default_policy():
    return parse_policy(DEFAULT.read_text(encoding="utf-8"), "default.yaml")


def test_the_default_policy_holds_an_unscored_post_for_a_person() -> None:
    unread = PostFacts(scores={}, text="Ich weiß, wo du wohnst", language="de",
                       unscored="language_not_supported")  # fmt: skip
    verdict = evaluate(unread, default_policy())
    assert verdict.action is Action.HOLD and verdict.queue == "general"
    assert verdict.matched == ("unscored",)
    assert "language de" in verdict.reasons[0].detail


def test_a_scored_post_is_not_unscored() -> None:
    calm = PostFacts(scores={"toxicity": 0.01}, text="Thanks!", language="en")
    assert evaluate(calm, default_policy()).action is Action.ALLOW


def test_a_rule_can_select_by_language() -> None:
    policy = parse_policy(
        'id: p\nversion: "1"\nrules:\n'
        '  - {id: de-insult, action: hold, clause: "2.4", when: {languages: [de], scores: {insult: 0.5}}}\n'
    )
    german = PostFacts(scores={"insult": 0.9}, language="de")
    english = PostFacts(scores={"insult": 0.9}, language="en")
    assert evaluate(german, policy).action is Action.HOLD
    assert evaluate(english, policy).action is Action.ALLOW


def test_an_unscored_rule_can_also_allow_a_language_a_site_reviews_elsewhere() -> None:
    policy = parse_policy(
        'id: p\nversion: "1"\nrules:\n'
        '  - {id: unread, action: hold, clause: "1.2", when: {unscored: true}}\n'
        '  - {id: read, action: label, clause: "1.3", when: {unscored: false, languages: [en]}}\n'
    )
    assert evaluate(PostFacts(scores={}, language="xx", unscored="x"), policy).action is Action.HOLD
    assert evaluate(PostFacts(scores={}, language="en"), policy).action is Action.LABEL
