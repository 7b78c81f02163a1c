"""The reads of the review surfaces: the web pages, the JSON API, the ``remon`` list commands, the exports.

One module per consumer (``storage/__init__.py``): this package is the review side's, split by
what a page or command shows (``articles``: articles, sources, alerts and the front page;
``metrics``: statistics and metric pages; ``stances``; ``claims``; ``export``). Every function takes
a session and plain filters and returns rows shaped by ``storage.views``, so the web app, the API
and ``remon … list`` show the same thing. Lists are paged with ``limit``/``offset`` and report
``has_more`` (one extra row fetched) instead of a total count, which would cost a full scan on a
large history. Corrections are applied on the way out (``storage.corrections``).
"""

from __future__ import annotations

from storage.review.articles import (
    ArticleFilter,
    alerts_page,
    alerts_since,
    article_detail,
    article_links,
    dashboard,
    disable_source,
    enabled_source_count,
    failed_sources_since,
    find_source,
    latest_articles,
    list_articles,
    list_sources,
    sources_overview,
)
from storage.review.claims import claim_detail, claims_summary
from storage.review.export import EXPORTS, export_rows
from storage.review.metrics import list_statistics, metric_keys, metric_overview, metric_rows, metric_series
from storage.review.stances import actor_timeline, actors, list_stances

__all__ = [
    "EXPORTS",
    "ArticleFilter",
    "actor_timeline",
    "actors",
    "alerts_page",
    "alerts_since",
    "article_detail",
    "article_links",
    "claim_detail",
    "claims_summary",
    "dashboard",
    "disable_source",
    "enabled_source_count",
    "export_rows",
    "failed_sources_since",
    "find_source",
    "latest_articles",
    "list_articles",
    "list_sources",
    "list_stances",
    "list_statistics",
    "metric_keys",
    "metric_overview",
    "metric_rows",
    "metric_series",
    "sources_overview",
]
