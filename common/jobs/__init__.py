"""Background jobs: a transactional outbox, a relay to the arq (Redis) queue, and the worker.

    message_id = await enqueue(session, tables, "filing.approved", {"filing_id": 7})

commits with the caller's state change; the worker's relay turns it into an arq job; the job
runs the topic's handler (from ``ServiceManifest.outbox_handlers``) with retries and backoff,
and dead-letters it after the last attempt (see ``list_dead_letters``/``requeue_dead_letters``).
"""

from common.jobs.dead_letters import DeadLetter, list_dead_letters, requeue_dead_letters
from common.jobs.delivery import deliver_outbox_message
from common.jobs.messages import Delivery, OutboxHandler, OutboxMessage
from common.jobs.outbox import InvalidOutboxMessage, enqueue, message_params, outbox_follower
from common.jobs.queue import JobQueue, outbox_job_id, queue_name
from common.jobs.relay import reclaim_stale, relay_all, relay_pending
from common.jobs.retry import RetryPolicy
from common.jobs.runtime import ServiceRuntime

__all__ = [
    "DeadLetter",
    "Delivery",
    "InvalidOutboxMessage",
    "JobQueue",
    "OutboxHandler",
    "OutboxMessage",
    "RetryPolicy",
    "ServiceRuntime",
    "deliver_outbox_message",
    "enqueue",
    "list_dead_letters",
    "message_params",
    "outbox_follower",
    "outbox_job_id",
    "queue_name",
    "reclaim_stale",
    "relay_all",
    "relay_pending",
    "requeue_dead_letters",
]
