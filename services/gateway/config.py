from __future__ import annotations

from services.shared.settings import ServiceSettings


class Settings(ServiceSettings):
    http_port: int = 8000
    classifier_url: str = "http://127.0.0.1:8002"
    kafka_group_id: str = "moderation-gateway"
    kafka_max_records: int = 200
