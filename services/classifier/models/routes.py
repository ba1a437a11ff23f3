"""Which loaded model reads a post: the first, in the configured order, that reads its language.

CLASSIFIER_MODEL is the first (it also reads posts whose language is undetermined: a few letters,
emoji); CLASSIFIER_LANGUAGE_MODELS follow. A language none of them reads gets no model, and the
post no scores.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from services.classifier.models.base import Scorer
from services.contracts.events import UNDETERMINED


@dataclass(frozen=True)
class Routes:
    models: tuple[Scorer, ...]

    def __post_init__(self) -> None:
        if not self.models:
            raise ValueError("at least one model is needed")

    @property
    def primary(self) -> Scorer:
        return self.models[0]

    @property
    def languages(self) -> frozenset[str]:
        """Every language some loaded model reads."""
        return frozenset().union(*(model.languages for model in self.models))

    def model_for(self, language: str) -> int | None:
        """The index of the model that reads this language, None when none does."""
        if language == UNDETERMINED:
            return 0
        return next((i for i, m in enumerate(self.models) if language in m.languages), None)

    def by_model(self, languages: Sequence[str]) -> dict[int, list[int]]:
        """The positions of the posts each model reads, per model index (the unread are left out)."""
        groups: dict[int, list[int]] = {}
        for position, language in enumerate(languages):
            index = self.model_for(language)
            if index is not None:
                groups.setdefault(index, []).append(position)
        return groups

    def reads(self) -> dict[str, str]:
        """Language -> the id of the model that reads it."""
        return {
            language: self.models[index].info.id
            for language in sorted(self.languages)
            if (index := self.model_for(language)) is not None
        }
