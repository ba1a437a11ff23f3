from __future__ import annotations

import os
from typing import Literal

from pydantic import Field

from services.shared.settings import ServiceSettings


class Settings(ServiceSettings):
    http_port: int = 8002
    classifier_model: str = "auto"  # auto | offline | detoxify:<type> | detoxify-checkpoint:<path>
    # The models that read, in order, the languages CLASSIFIER_MODEL does not (models/routes.py)
    classifier_language_models: str = "offline-multilingual,offline-multilingual-e5"
    classifier_device: str = "cpu"
    classifier_runtime: Literal["auto", "torch", "onnx-int8", "openvino-bf16", "openvino-int8"] = (
        "auto"
    )
    classifier_hf_config_path: str | None = None  # local config + tokenizer folder for checkpoints
    # Per-label calibrations fitted on the chosen model (python -m training.calibrate_model)
    classifier_calibration_path: str | None = None
    classifier_threads: int = os.cpu_count() or 1
    # Batches scored at once, each on threads/streams cores. On a dedicated 2-core node, 2 scored
    # 4-12 % more texts/s than 1 batch on 2 threads (bert-base int8; benchmarks/classifier.py);
    # a lone batch then takes up to twice as long, so the default stays 1.
    classifier_streams: int = Field(default=1, ge=1)
    classifier_max_batch: int = 16
    classifier_max_wait_ms: int = 10
    # Perspective takes comments of up to 20,480 bytes: every one of them is scored whole
    classifier_max_text_chars: int = 20_480
    classifier_http_max_texts: int = 64
    kafka_group_id: str = "moderation-classifier"
    kafka_max_records: int = 32
