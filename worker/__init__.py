"""remon's domain: the pipeline stages, pure where they can be.

Stages, one subpackage each: ``fetch`` (safe HTTP), ``sources`` (feeds, listings, search
queries into entries), ``scrape`` (page into article text), ``extract`` (relevance,
statistics, stances, claims), ``detect`` (stored state + one extraction into changes) and
``alert`` (routing, rendering, the apprise wrapper).

Nothing here imports ``storage``, ``tasks``, ``celery`` or ``sqlmodel``: the domain is
testable on data files alone (``tests/test_layers.py`` enforces it).
"""
