"""One root error for the domain; every stage error carries a stable code and the resource.

Codes are stable strings (``fetch.timeout``, ``scrape.empty_text``...) because they are
stored on rows, counted in metrics and shown to users; messages are for people.
"""

from __future__ import annotations


class RemonError(Exception):
    """Root of every error remon raises on purpose."""

    code: str = "remon.error"

    def __init__(self, message: str, *, code: str | None = None, resource: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.resource = resource

    def __str__(self) -> str:
        where = f" ({self.resource})" if self.resource else ""
        return f"[{self.code}] {self.message}{where}"


class ConfigError(RemonError):
    """Settings or the watch file are invalid; the message says which field and why."""

    code = "config.invalid"


class FetchError(RemonError):
    """HTTP could not deliver a usable body (timeout, too large, refused address, ...)."""

    code = "fetch.error"


class SourceError(RemonError):
    """A feed or listing could not be turned into entries."""

    code = "source.error"


class ScrapeError(RemonError):
    """A page gave no usable article text."""

    code = "scrape.error"

