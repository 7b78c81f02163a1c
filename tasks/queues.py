"""The Celery queue names, in one place without side effects.

``tasks.app`` routes tasks to them and the web process (``remon.ops`` /metrics, ``remon health``)
reports their depths; importing ``tasks.app`` builds the Celery app from the environment, so the
names live here where anything can import them.
"""

from __future__ import annotations

QUEUES = ("poll", "fetch", "analyze", "notify")
