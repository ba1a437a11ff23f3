"""classifier: scores every submitted post for toxicity and publishes PostScored."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from services.classifier import api, handlers, metrics
from services.classifier.batching import MicroBatcher
from services.classifier.config import Settings
from services.classifier.domain.normalize import make_normalizer
from services.classifier.languages import LanguageIdentifier
from services.classifier.models.select import load_scorer
from services.classifier.offline.vocabulary import known_words
from services.shared.api import service_api
from services.shared.kafka import ensure_topics, make_broker
from services.shared.lag import LagWatch
from services.shared.ops import kafka_check, ops_router


def create_app(settings: Settings) -> FastAPI:
    broker = make_broker(settings, "classifier")
    broker.include_router(handlers.router(settings))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        scorer = await asyncio.to_thread(load_scorer, settings)
        languages = await asyncio.to_thread(LanguageIdentifier)
        metrics.MODEL.info(
            {
                "id": scorer.info.id,
                "version": scorer.info.version,
                "labels": ",".join(scorer.labels),
            }
        )
        normalize = make_normalizer(known_words())
        batcher = MicroBatcher(
            scorer.score,
            settings.classifier_max_batch,
            settings.classifier_max_wait_ms,
            lengths=scorer.token_lengths,
            streams=settings.classifier_streams,
            batch_overhead=scorer.batch_overhead_tokens,
        )
        batcher.start()
        scoring = handlers.Scoring(
            batcher, scorer, normalize, settings.classifier_max_text_chars, languages.guess
        )
        app.state.scorer, app.state.batcher, app.state.normalize = scorer, batcher, normalize
        app.state.scoring = scoring
        broker.context.set_global("classifier", scoring)
        await ensure_topics(settings)
        await broker.start()
        lag = LagWatch(broker, settings)
        lag.start()
        yield
        await lag.stop()
        await broker.stop()  # waits for the batch in flight
        await batcher.stop()

    app = service_api("classifier", "0.1.0", settings, lifespan=lifespan)
    app.state.settings = settings
    app.include_router(api.router)
    app.include_router(ops_router({"kafka": kafka_check(broker)}))
    return app
