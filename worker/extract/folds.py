"""Fixed folds of the gold passages, so rules are scored on text they were not written from.

A passage's fold is a hash of its ``id`` (SHA-1, modulo the number of folds): stable across
files, runs and machines, independent of the order of lines, and the same for everyone. The
working rule (docs/extraction.md): write rules while reading the findings of four folds
(``remon eval … --exclude-fold K``), then score the fifth (``--fold K``), and rotate.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Any

from worker.extract.evaluate import EvalReport, GroupScores, evaluate

__all__ = ["DEFAULT_FOLDS", "fold_of", "format_folds", "per_fold", "select"]

DEFAULT_FOLDS = 5


def fold_of(passage_id: str, folds: int = DEFAULT_FOLDS) -> int:
    """The fold (0 … folds-1) of a passage id."""
    return int(hashlib.sha1(passage_id.encode("utf-8")).hexdigest(), 16) % folds  # noqa: S324 (not security)


def select(gold: Sequence[dict[str, Any]], *, folds: int = DEFAULT_FOLDS, only: int | None = None,
           exclude: int | None = None) -> list[dict[str, Any]]:
    """The passages of fold ``only``, or of every fold but ``exclude`` (or all of them)."""
    out = []
    for g in gold:
        k = fold_of(str(g.get("id", "")), folds)
        if (only is None or k == only) and (exclude is None or k != exclude):
            out.append(g)
    return out


def per_fold(gold: Sequence[dict[str, Any]], predicted: Sequence[dict[str, Any]],
             folds: int = DEFAULT_FOLDS) -> list[EvalReport]:
    """One report per fold (predictions aligned with ``gold`` by position)."""
    buckets: list[tuple[list[dict[str, Any]], list[dict[str, Any]]]] = [([], []) for _ in range(folds)]
    for g, p in zip(gold, predicted, strict=True):
        k = fold_of(str(g.get("id", "")), folds)
        buckets[k][0].append(g)
        buckets[k][1].append(p)
    return [evaluate(g, p) for g, p in buckets]


def format_folds(reports: Sequence[EvalReport]) -> str:
    """A table: one row per fold and language group, F1 of quantity / full / stance, relevance."""
    rows: list[tuple[str, Callable[[GroupScores], str]]] = [
        ("quantity F1", lambda g: f"{g.stats_quantity.f1:.3f}"),
        ("full F1", lambda g: f"{g.stats_full.f1:.3f}"),
        ("stance F1", lambda g: f"{g.stances.f1:.3f}"),
        ("relevance acc.", lambda g: f"{g.relevance_accuracy:.3f}"),
    ]
    head = f"{'fold':6}{'group':7}{'passages':>9}" + "".join(f"{label:>16}" for label, _ in rows)
    lines = [head]
    for k, rep in enumerate(reports):
        for name in ("en", "zh"):
            grp = rep.groups[name]
            lines.append(f"{k:<6}{name:7}{grp.passages:>9}" + "".join(f"{f(grp):>16}" for _, f in rows))
    return "\n".join(lines)
