"""Routing a post to the model that reads its language."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from services.classifier.config import Settings
from services.classifier.models import select
from services.classifier.models.routes import Routes
from services.contracts.events import ModelInfo


@dataclass(frozen=True)
class Reader:
    name: str
    languages: frozenset[str]

    @property
    def info(self) -> ModelInfo:
        return ModelInfo(id=self.name, version="1")


ENGLISH = Reader("english", frozenset({"en"}))
MANY = Reader("many", frozenset({"en", "de", "ja"}))
EUROPEAN = Reader("european", frozenset({"de", "fr"}))


def test_the_first_model_that_reads_a_language_reads_it() -> None:
    routes = Routes((ENGLISH, MANY, EUROPEAN))
    assert [routes.model_for(code) for code in ("en", "de", "ja", "fr")] == [0, 1, 1, 2]


def test_no_model_reads_a_language_none_declares() -> None:
    assert Routes((ENGLISH, MANY)).model_for("sv") is None


def test_an_undetermined_language_goes_to_the_first_model() -> None:
    assert Routes((EUROPEAN, ENGLISH)).model_for("und") == 0


def test_posts_are_grouped_per_model_and_the_unread_left_out() -> None:
    groups = Routes((ENGLISH, EUROPEAN)).by_model(["en", "fr", "sv", "en", "und"])
    assert groups == {0: [0, 3, 4], 1: [1]}


def test_reads_names_the_model_of_each_language() -> None:
    reads = Routes((ENGLISH, MANY)).reads()
    assert reads == {"de": "many", "en": "english", "ja": "many"}


def test_routes_need_a_model() -> None:
    with pytest.raises(ValueError, match="at least one"):
        Routes(())


def test_language_models_follow_the_first_in_the_order_given(monkeypatch) -> None:
    monkeypatch.setattr(select, "_offline", lambda settings: ENGLISH)
    loaded = {"use": MANY, "e5": EUROPEAN}
    monkeypatch.setattr(select, "_multilingual", lambda settings, encoder: loaded[encoder])
    routes = select.load_routes(
        Settings(classifier_model="offline", classifier_language_models="offline-multilingual")
    )
    assert routes.models == (ENGLISH, MANY)
    both = select.load_routes(Settings(classifier_model="offline"))  # the default: USE, then e5
    assert both.models == (ENGLISH, MANY, EUROPEAN)
    alone = select.load_routes(
        Settings(classifier_model="offline", classifier_language_models="none")
    )
    assert alone.models == (ENGLISH,)


def test_an_unknown_language_model_is_an_error(monkeypatch) -> None:
    monkeypatch.setattr(select, "_offline", lambda settings: ENGLISH)
    with pytest.raises(ValueError, match="'gpt' is not understood"):
        select.load_routes(Settings(classifier_model="offline", classifier_language_models="gpt"))
