"""A decoded article page into its text and metadata (``Page``).

trafilatura does the main work (title, author, date, text; precision favoured, paragraphs kept
as lines), because boilerplate that slips into the text becomes false statistics and stances
downstream. When it returns nothing or too little (paywalls, JS-rendered pages, odd templates),
fall back, in order, to: the page's JSON-LD ``articleBody`` (the publisher's own clean text),
trafilatura favouring recall, then the feed entry's content and summary. ``Page.extractor`` says
which one produced the text, so a source whose pages always fall back is visible. The raw date
string is kept beside the parsed date: dates are where extraction goes wrong most, and the raw
value lets a person check.

Speed: the page is parsed once, the way trafilatura parses it, and that tree serves trafilatura
(asked for the text only), the JSON-LD and date look-ups, and the metadata remon uses (title,
author, date when the markup has none), read with trafilatura's own functions (:func:`_metadata`).
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import trafilatura
from lxml import html as lxml_html
from lxml.etree import ParserError
from trafilatura.utils import load_html

from worker.common.cjk import HANGUL, KANA, WIDE
from worker.common.dates import parse_date
from worker.errors import ScrapeError
from worker.types import FeedEntry, Page

# Below this many "units" (words, or two CJK characters) a text is too little to be the article.
MIN_UNITS = 50
_WORD = re.compile(r"[^\W\d_]+|\d+")
_DATE_META = (
    "article:published_time", "og:published_time", "og:article:published_time", "datepublished",
    "pubdate", "publishdate", "publish_date", "publication_date", "dc.date", "dc.date.issued",
    "dcterms.created", "date", "sailthru.date", "parsely-pub-date", "firstpublishedtime",
)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"[ \t\r\f\v]+")
_LINES = re.compile(r"\n\s*\n+")
# Characters lxml refuses in any string it is given ("All strings must be XML compatible"): a feed
# item with "&#31;" in its description made html_to_text raise ValueError and crash the task.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def units(text: str) -> int:
    """How much text there is, comparable across scripts (a CJK character ≈ half a word)."""
    cjk = len(WIDE.findall(text))
    return len(_WORD.findall(WIDE.sub(" ", text))) + cjk // 2


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (feed content), paragraphs on their own lines."""
    fragment = _NOT_XML.sub(" ", fragment)
    if "<" not in fragment:
        return fragment.strip()
    try:
        root = lxml_html.fromstring(f"<div>{fragment}</div>")
    except (ParserError, ValueError):
        return _TAG.sub(" ", fragment).strip()
    for node in root.iter("script", "style", "noscript"):
        node.drop_tree()
    for node in root.iter("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote"):
        node.tail = "\n" + (node.tail or "")
    text = root.text_content()
    lines = [_SPACE.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def _tree(html: str) -> Any:
    try:
        return lxml_html.fromstring(html)
    except (ParserError, ValueError):
        return None


def _trafilatura_tree(html: str) -> Any:
    """The page parsed the way trafilatura parses it (its parser and repairs), or None.

    Handing this tree to trafilatura (which copies it before cleaning) saves it parsing the page
    again; the same tree serves the JSON-LD and date look-ups."""
    try:
        return load_html(html)
    except Exception:  # hostile markup: each reader parses (and fails) on its own
        return None


def _json_ld_objects(tree: Any) -> Iterator[dict[str, Any]]:
    if tree is None:
        return
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text_content() or "null", strict=False)
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                yield item
                stack.extend(v for k, v in item.items() if k in ("@graph", "mainEntity", "mainEntityOfPage"))


def json_ld_body(tree: Any) -> str | None:
    """The longest ``articleBody`` of the page's JSON-LD, as plain text."""
    bodies = [html_to_text(str(o["articleBody"])) for o in _json_ld_objects(tree)
              if isinstance(o.get("articleBody"), str) and o["articleBody"].strip()]
    return max(bodies, key=len) if bodies else None


def raw_date(tree: Any) -> str | None:
    """The publication date as the page prints it: JSON-LD, meta tags, then ``<time datetime>``."""
    if tree is None:
        return None
    for obj in _json_ld_objects(tree):
        value = obj.get("datePublished") or obj.get("dateCreated")
        if isinstance(value, str) and value.strip():
            return value.strip()
    metas = {}
    for meta in tree.xpath("//meta[@content]"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        if key and key not in metas and meta.get("content", "").strip():
            metas[key] = meta.get("content").strip()
    for key in _DATE_META:
        if key in metas:
            return str(metas[key])
    for node in tree.xpath("//time[@datetime]"):
        value = node.get("datetime", "").strip()
        if value:
            return str(value)
    return None


def guess_language(text: str, declared: str | None) -> str | None:
    """The page's language: the ``lang`` it declares, else a script-based guess (zh/ja/ko)."""
    if declared:
        return declared.strip().replace("_", "-").split(";")[0] or None
    sample = text[:5000]
    cjk = len(WIDE.findall(sample))
    if cjk >= max(20, len(sample) // 10):
        if KANA.search(sample):
            return "ja"
        if len(HANGUL.findall(sample)) > cjk // 2:
            return "ko"
        return "zh"
    return None


def _trafilatura(html: Any, url: str, *, precision: bool) -> Any:
    """trafilatura's text (metadata apart: see :func:`_metadata`), or None."""
    try:
        return trafilatura.bare_extraction(
            html, url=url or None, with_metadata=False, include_comments=False, include_tables=True,
            favor_precision=precision, favor_recall=not precision, deduplicate=False)
    except Exception:  # trafilatura on hostile markup must not fail the article: fall back
        return None


def _metadata(tree: Any, url: str, *, date: bool) -> Any:
    """Title, author and, when ``date``, the date, as ``trafilatura.bare_extraction(with_metadata=True)``
    finds them (``trafilatura.metadata.extract_metadata``, same steps in the same order), without
    what remon does not use: site name, categories, tags, licence, htmldate's date search when the
    page's markup already states the date (:func:`raw_date`), and the search for a byline in the
    page body when the meta tags and JSON-LD name no author (it costs about a tenth of
    trafilatura's time, and remon stores no author). None if it fails."""
    from htmldate import find_date
    from trafilatura.metadata import examine_meta, extract_meta_json, extract_title, extract_url
    from trafilatura.settings import set_date_params

    try:
        meta = examine_meta(tree)
        if meta.author and " " not in meta.author:
            meta.author = None
        with contextlib.suppress(Exception):  # as trafilatura: a bug in its JSON-LD reader costs that only
            meta = extract_meta_json(tree, meta)
        if not meta.title:
            meta.title = extract_title(tree)
        if date:
            if not meta.url:
                meta.url = extract_url(tree, url or None)
            params = set_date_params(True)
            params["url"] = meta.url
            meta.date = find_date(tree, **params)
        meta.clean_and_trim()
        return meta
    except Exception:  # hostile markup: no metadata, the text still counts
        return None


def _title(doc: Any, tree: Any, entry: FeedEntry | None) -> str | None:
    title = getattr(doc, "title", None) if doc is not None else None
    if not title and tree is not None:
        found = tree.xpath('//meta[@property="og:title"]/@content') or tree.xpath("//title/text()")
        title = str(found[0]).strip() if found else None
    return title or (entry.title if entry else None)


def extract_page(html: str, *, url: str, entry: FeedEntry | None = None) -> Page:
    """The article in ``html`` (already decoded); raise ``ScrapeError("scrape.empty_text")``.

    ``entry`` (the feed item that pointed here) supplies the last-resort text, title and date.
    """
    parsed = _trafilatura_tree(html)
    source = html if parsed is None else parsed
    tree = _tree(html) if parsed is None else parsed
    precise = _trafilatura(source, url, precision=True)
    candidates: list[tuple[str, str | None]] = [("trafilatura", getattr(precise, "text", None))]
    best_doc = precise

    def fallbacks() -> Iterator[tuple[str, str | None]]:
        nonlocal best_doc
        yield "json-ld", json_ld_body(tree)
        recall = _trafilatura(source, url, precision=False)
        if recall is not None and best_doc is None:
            best_doc = recall
        yield "trafilatura-recall", getattr(recall, "text", None)
        if entry is not None:
            yield "feed-content", html_to_text(entry.content) if entry.content else None
            yield "feed-summary", html_to_text(entry.summary) if entry.summary else None

    chosen: tuple[str, str, int] | None = None
    seen: list[tuple[str, str, int]] = []
    first = _LINES.sub("\n", (candidates[0][1] or "").strip())
    first_units = units(first)
    for name, text in [*candidates, *fallbacks()] if first_units < MIN_UNITS else candidates:
        text = _LINES.sub("\n", (text or "").strip())
        if not text:
            continue
        count = first_units if text == first else units(text)
        seen.append((name, text, count))
        if count >= MIN_UNITS:
            chosen = (name, text, count)
            break
    if chosen is None and seen:
        chosen = max(seen, key=lambda item: item[2])
    if chosen is None or chosen[2] == 0:
        raise ScrapeError("no article text could be extracted from the page (nor from the feed entry)",
                          code="scrape.empty_text", resource=url)
    extractor, text, _ = chosen

    date_raw = raw_date(tree)
    published: datetime | None = parse_date(date_raw)
    # trafilatura's metadata, read only when one of its extractions succeeded (as before, when
    # it came with the extraction)
    best_doc = _metadata(tree, url, date=published is None) if best_doc is not None and tree is not None else None
    doc_date = getattr(best_doc, "date", None) if best_doc is not None else None
    if published is None and doc_date:
        date_raw, published = date_raw or str(doc_date), parse_date(str(doc_date))
    if published is None and entry is not None and (entry.published or entry.published_raw):
        date_raw, published = entry.published_raw, entry.published
    declared = tree.get("lang") if tree is not None else None
    author = getattr(best_doc, "author", None) if best_doc is not None else None
    return Page(url=url, title=_title(best_doc, tree, entry), text=text, published=published,
                published_raw=date_raw, language=guess_language(text, declared),
                author=author or None, extractor=extractor)


def page_from_entry(entry: FeedEntry) -> Page:
    """The feed entry's own content (else summary) as the article, when its page cannot be fetched."""
    for name, fragment in (("feed-content", entry.content), ("feed-summary", entry.summary)):
        text = html_to_text(fragment) if fragment else ""
        if units(text) > 0:
            return Page(url=entry.url, title=entry.title, text=text, published=entry.published,
                        published_raw=entry.published_raw, language=guess_language(text, None),
                        extractor=name)
    raise ScrapeError("neither the page nor the feed entry carries article text",
                      code="scrape.empty_text", resource=entry.url)
