"""Storage: the tables, and every SQL statement remon makes (no ``select(``/``text(``/``insert(`` elsewhere).

The rule: one module per consumer. A module holds the statements one caller needs, so a change
to a page, a command or a task touches one module, and nobody shares a query that only looks
alike:

- ``pipeline``: the pipeline's own reads and writes (what ``tasks/`` loads before a decision and
  stores after it); ``queries``: the pieces the pipeline shares (sources due, feed entries, alert
  and delivery inserts, heartbeats and task counters) and ``add_source`` (the CLI, the watch file,
  the demo); ``claims``: claims on rows (leases).
- ``review/``: the reads of the review surfaces (the web pages, the JSON API, the ``remon`` list
  commands, the exports), a small package split by what a page shows.
- ``views``: the shaping of rows into the JSON users see, for every consumer above.
- ``corrections``, ``measures``, ``unconfirmed``: one feature's table each, with its writes and
  reads (the review app's corrections, the export-control measures, the confidence gate's store).
- ``ops``: the reads of ``remon health``, /readyz and /metrics; ``space``: free disk space.
- ``search``: the full-text index the article search reads.
- The plumbing under them: ``models`` (tables), ``db`` (engine, sessions, migrations),
  ``location`` (where the database is), ``faults`` (storage failures in one line),
  ``migrations/`` (Alembic).
"""
