"""The text of ``remon eval``'s report.

Kept apart from the scorer (``evaluate``) so that the scorer reads as one page: this module only
turns an ``EvalReport`` into lines (scores per group, targets missed, error classes, misses and
false hits).
"""

from __future__ import annotations

from collections.abc import Callable

from worker.extract.evaluate import GROUPS, EvalReport, GroupScores, Scores, meets_targets

__all__ = ["format_error_classes", "format_report"]


def format_report(report: EvalReport, *, max_findings: int = 200) -> str:
    """A table of P/R/F1 per language group, then the failures, misses and false hits."""
    header = f"{'':22}" + "".join(f"{g:>22}" for g in GROUPS)
    lines = [header, f"{'passages':22}" + "".join(f"{report.groups[g].passages:>22}" for g in GROUPS)]

    def prf(s: Scores) -> str:
        return f"{s.precision:.3f}/{s.recall:.3f}/{s.f1:.3f}"

    rows: list[tuple[str, Callable[[GroupScores], str]]] = [
        ("stats quantity P/R/F1", lambda g: prf(g.stats_quantity)),
        ("stats full P/R/F1", lambda g: prf(g.stats_full)),
        ("stances P/R/F1", lambda g: prf(g.stances)),
        ("relevance P/R", lambda g: f"{g.relevance.precision:.3f}/{g.relevance.recall:.3f}"),
        ("relevance accuracy", lambda g: f"{g.relevance_accuracy:.3f}"),
    ]
    if report.events_scored:
        rows += [
            ("event passages", lambda g: str(g.event_passages)),
            ("events action P/R/F1", lambda g: prf(g.events_action)),
            ("events ident. P/R/F1", lambda g: prf(g.events_identifier)),
            ("events dates P/R/F1", lambda g: prf(g.events_date)),
            ("events issuer P/R/F1", lambda g: prf(g.events_issuer)),
        ]
    for label, render in rows:
        lines.append(f"{label:22}" + "".join(f"{render(report.groups[g]):>22}" for g in GROUPS))
    failures = meets_targets(report)
    lines.append("")
    lines.append("targets: " + ("all met" if not failures else "; ".join(failures)))
    lines.append("")
    lines.append(format_error_classes(report))
    for title, findings in (("misses", report.misses), ("false hits", report.false_hits)):
        lines.append("")
        lines.append(f"{title} ({len(findings)}):")
        for f in findings[:max_findings]:
            lines.append(f"  {f.passage:10} {f.lang:8} {f.kind:17} {f.what}")
        if len(findings) > max_findings:
            lines.append(f"  … {len(findings) - max_findings} more")
    return "\n".join(lines)


def format_error_classes(report: EvalReport) -> str:
    """Error classes with their counts, per area, English and Chinese side by side."""
    counts = report.error_classes()
    lines = ["error classes:", f"  {'area':12}{'class':30}{'en':>6}{'zh':>6}"]
    for area in ("statistics", "stance", "relevance"):
        names: dict[str, int] = {}
        for grp in ("en", "zh"):
            for cls, n in counts.get((area, grp), {}).items():
                names[cls] = names.get(cls, 0) + n
        for cls in sorted(names, key=lambda c: -names[c]):
            en = counts.get((area, "en"), {}).get(cls, 0)
            zh = counts.get((area, "zh"), {}).get(cls, 0)
            lines.append(f"  {area:12}{cls:30}{en:>6}{zh:>6}")
    return "\n".join(lines)


# ----------------------------------------------------------------------------- files
