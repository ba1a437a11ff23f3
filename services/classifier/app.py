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
from services.classifier.models.base import Scorer
from services.classifier.models.select import load_routes
from services.classifier.offline.vocabulary import known_words
from services.shared.api import service_api
from services.shared.asyncapi import asyncapi_router
from services.shared.kafka import make_broker
from services.shared.lag import consuming
from services.shared.ops import kafka_check, ops_router


def batcher_for(model: Scorer, settings: Settings) -> MicroBatcher:
    return MicroBatcher(
        model.score,
        settings.classifier_max_batch,
        settings.classifier_max_wait_ms,
        lengths=model.token_lengths,
        streams=settings.classifier_streams,
        batch_overhead=model.batch_overhead_tokens,
    )


def create_app(settings: Settings) -> FastAPI:
    broker = make_broker(settings, "classifier")
    broker.include_router(handlers.router(settings))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        routes = await asyncio.to_thread(load_routes, settings)
        languages = await asyncio.to_thread(LanguageIdentifier)
        metrics.MODEL.info(
            {
                "id": routes.primary.info.id,
                "version": routes.primary.info.version,
                "labels": ",".join(routes.primary.labels),
                "reads": ",".join(f"{code}={model}" for code, model in routes.reads().items()),
            }
        )
        batchers = tuple(batcher_for(model, settings) for model in routes.models)
        for batcher in batchers:
            batcher.start()
        scoring = handlers.Scoring(
            routes,
            batchers,
            make_normalizer(known_words()),
            settings.classifier_max_text_chars,
            languages.guess,
        )
        app.state.scoring = scoring
        broker.context.set_global("classifier", scoring)
        async with consuming(settings, broker):  # stopping waits for the batch in flight
            yield
        for batcher in batchers:
            await batcher.stop()

    app = service_api("classifier", "0.1.0", settings, lifespan=lifespan)
    app.state.settings = settings
    app.include_router(api.router)
    app.include_router(ops_router({"kafka": kafka_check(broker)}))
    app.include_router(
        asyncapi_router("classifier", app.version, broker, settings.kafka_bootstrap_servers)
    )
    return app
