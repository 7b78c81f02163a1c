"""``remon extract``: one JSON object per document, and for an off-topic one, why.

An off-topic text used to come back as ``"relevant": false`` and empty lists, which reads like a
broken extractor. The command now says on standard error what the relevance score was, which
topic terms it counted and the threshold it missed; ``--all`` runs the extractors anyway (the
document stays ``relevant: false``), to see what they would find. The output format is
described in ``docs/extract-output.md``.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from remon.commands import context
from worker.errors import RemonError


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


def _read_input(path: str) -> tuple[str, bytes]:
    if path == "-":
        return "<stdin>", sys.stdin.buffer.read()
    p = Path(path)
    if not p.is_file():
        raise RemonError(f"no such file: {path}", code="input.missing")
    data = p.read_bytes()
    if p.suffix == ".gz":
        data = gzip.decompress(data)
    return path, data


def _extract_one(name: str, data: bytes, *, as_text: bool, title: str | None = None,
                 language: str | None = None, published: str | None = None,
                 everything: bool = False) -> dict[str, Any]:
    if not as_text and data.lstrip()[:1] == b"<":
        from worker.fetch.decode import decode_html
        from worker.scrape.article import extract_page

        html, _ = decode_html(data, None)
        page = extract_page(html, url=f"file://{name}")
        title, text, language = page.title, page.text, language or page.language
        published = page.published.isoformat().replace("+00:00", "Z") if page.published else None
    else:
        text = data.decode("utf-8", errors="replace")
    analysis = analyse(text, title=title, language=language, everything=everything, published=published)
    why = explain(name, analysis, everything=everything)
    if why:
        typer.echo(f"remon: {why}", err=True)
    return {"title": title, "text": text, "published": published, **analysis}


def extract(
    paths: Annotated[list[str] | None, typer.Argument(help="HTML or text files (.gz ok), or - for stdin.")] = None,
    as_text: Annotated[bool, typer.Option("--text", help="Treat input as plain text, not HTML.")] = False,
    jsonl: Annotated[Path | None, typer.Option("--jsonl", help="A gold-format JSONL file to run.")] = None,
    everything: Annotated[bool, typer.Option(
        "--all", help="Extract numbers, stances and claims of off-topic texts too (they stay relevant: false).")
    ] = False,
) -> None:
    """Print the analysis of documents as JSON, one object per line (docs/extract-output.md).

    For an off-topic document, standard error says why: its relevance score, the topic terms
    found and the threshold.
    """
    try:
        if jsonl is not None:
            for line in jsonl.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    rec = json.loads(line)
                    out = _extract_one(rec.get("id", ""), rec["text"].encode(), as_text=True,
                                       title=rec.get("title"), language=rec.get("lang"),
                                       published=rec.get("published"), everything=everything)
                    out["id"] = rec.get("id")
                    typer.echo(json.dumps(out, ensure_ascii=False))
            return
        if not paths:
            context.fail("give one or more files, or - for stdin")
        for path in paths:
            name, data = _read_input(path)
            typer.echo(json.dumps(_extract_one(name, data, as_text=as_text, everything=everything),
                                  ensure_ascii=False))
    except RemonError as exc:
        context.fail(str(exc))
