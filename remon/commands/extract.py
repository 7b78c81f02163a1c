"""``remon extract``: one JSON object per document, and for an off-topic one, why.

An off-topic text used to come back as ``"relevant": false`` and empty lists, which reads like a
broken extractor. The command now says on standard error what the relevance score was, which
topic terms it counted and the threshold it missed; ``--all`` runs the extractors anyway (the
document stays ``relevant: false``), to see what they would find. The output format is
described in ``docs/extract-output.md``.
"""

from __future__ import annotations

from typing import Any


def analyse(text: str, *, title: str | None, language: str | None, everything: bool,
            published: str | None = None) -> dict[str, Any]:
    """The analysis as a dict, plus ``threshold``; with ``everything`` the statistics, stances and
    claims of an off-topic text too (its ``relevant`` and ``relevance`` unchanged)."""
    from worker.extract.analyze import analyze
    from worker.extract.relevance import RELEVANCE_THRESHOLD

    out = analyze(text, title=title, language=language, published=published).to_dict()
    if everything and not out["relevant"]:
        forced = analyze(text, title=title, language=language, relevance_min=0.0, published=published).to_dict()
        for key in ("statistics", "stances", "claims", "measures"):
            out[key] = forced[key]
    out["threshold"] = RELEVANCE_THRESHOLD
    return out


def explain(name: str, doc: dict[str, Any], *, everything: bool) -> str | None:
    """One line on why ``doc`` is off topic (None when it is relevant)."""
    if doc.get("relevant"):
        return None
    terms = ", ".join(doc.get("matched_terms") or []) or "none"
    why = (f"relevance {doc.get('relevance', 0):.2f} is below the threshold {doc['threshold']:.2f}; "
           f"topic terms found: {terms}")
    if doc.get("reason"):
        why = str(doc["reason"])
    tail = ("extracted anyway (--all)" if everything
            else "add --all to extract its numbers, stances and claims anyway")
    return f"{name}: off topic ({why}); {tail}"
