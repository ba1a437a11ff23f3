"""Policies admins publish through the gateway, put in force in this replica's PolicyBook.

No consumer group and nothing committed: every replica reads the whole policies topic from the
start each time it starts, so they all hold the same published policies and none is lost.
"""

from __future__ import annotations

from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage

from services.contracts import topics
from services.contracts.events import PolicyPublished
from services.escalation.adapters.policies import PolicyBook
from services.escalation.domain.policy_text import PolicyError, published_policy
from services.shared.kafka import dead_letter, decode_batch

SERVICE = "escalation"


def register(broker: KafkaBroker, book: PolicyBook) -> None:
    @broker.subscriber(topics.POLICIES, auto_offset_reset="earliest", ack_policy=AckPolicy.MANUAL)
    async def on_policy(message: KafkaMessage) -> None:
        for record, event in await decode_batch(broker, SERVICE, message, PolicyPublished):
            try:
                policy = published_policy(event.tenant, event.name, event.text, event.withdrawn)
            except PolicyError as error:  # the gateway validates first; this is a bad producer
                await dead_letter(broker, SERVICE, record, "invalid_policy", str(error))
                continue
            book.publish(f"{event.name}.yaml", policy)
