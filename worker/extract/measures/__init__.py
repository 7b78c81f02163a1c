"""Measure events: what authorities did to export controls, as a text reports it.

``extract_measures(text)`` returns one ``MeasureEvent`` per measure action the text states:
"MOFCOM imposed export controls on gallium and germanium from August 1, 2023", "中方宣布暂停
实施10月9日公布的稀土出口管制措施一年", "Congo extended its cobalt export ban". Each event has
an action (impose expand suspend resume lift extend), issuer, materials (SCHEMA keys) and free-text
items, targets, thresholds, the announcement's identifier, dates (announced, effective, until) in
ISO form, its evidence sentence and span, and a confidence. The conventions (what counts as an
event, how dates and identifiers are written) are in docs/measure_events.md.

The pipeline, one module per decision:
- ``action``: the action cues of a sentence that state facts (not plans, threats, demands);
- ``identifier``: announcement numbers, Federal Register and EU citations, normalised;
- ``dates``: calendar expressions, resolved against the published date;
- ``scope``: issuer, targets, items, thresholds, off-topic sentences;
- ``events``: one sentence's events; ``merge``: one event per measure per passage.

Cheap by construction: a sentence is looked at only when one regex finds a control word in it,
and every pattern is compiled once (``lexicon``).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

from worker.common.cjk import has_han
from worker.extract.measures.dates import Published, find_dates, parse_published, resolve
from worker.extract.measures.draft import Draft
from worker.extract.measures.events import Context, sentence_events
from worker.extract.measures.lexicon import ACTIONS, Lexicon, lexicon
from worker.extract.measures.merge import complete_years, merge_statements
from worker.extract.text import Sentence, is_chinese, split_sentences
from worker.extract.vocab import Match, Vocabulary, load_vocabulary, prepare
from worker.types import MeasureEvent

__all__ = ["ACTIONS", "extract_measures"]

_LOOKBACK = 2  # sentences: where a sentence naming no material takes its materials from
_ISSUED_REACH = 2  # sentences after a batch of announcements is reported issued that may name them


def extract_measures(
    text: str,
    *,
    title: str | None = None,
    language: str | None = None,
    vocab: Vocabulary | None = None,
    published: date | datetime | str | None = None,
) -> list[MeasureEvent]:
    """The measure events of one text (and its title, when the text does not start with it).

    ``published`` (the article's date) gives a year to dates that lack one; without it they
    stay as written and are flagged. ``language`` is accepted for symmetry with the other
    extractors: each sentence is read by the patterns of its own script, because Chinese
    articles quote English names and English ones quote Chinese titles.
    """
    del language
    lex = lexicon()
    vocab = vocab or load_vocabulary()
    pub = parse_published(published)
    body = text or ""
    prepared = prepare(body)
    head = (title or "").strip()
    head_in_body = bool(head) and " ".join(head.split())[:30] in " ".join(body[:400].split())
    head_prep = prepare(head) if head and not head_in_body else ""
    all_sentences = split_sentences(body)
    sentences = [(i, s) for i, s in enumerate(all_sentences) if _gated(prepared[s.start : s.end], lex)]
    head_gated = bool(head_prep) and _gated(head_prep, lex)
    if not sentences and not head_gated:
        return []
    found = vocab.find_materials(prepared, prepared=True)
    head_found = vocab.find_materials(head_prep, prepared=True) if head_prep else []
    topic = _topic(found + head_found)
    per_sentence = [[(m.key, m.start - s.start, m.weak) for m in found if s.start <= m.start < s.end and _usable(m)]
                    for s in all_sentences]
    ctx = Context(lex=lex, vocab=vocab, published=pub, fallback_materials=topic, passage=prepared)
    drafts: list[Draft] = []
    head_keys = [m.key for m in head_found if not m.weak]
    if head_gated:
        drafts += sentence_events(head, head_prep, 0, [(m.key, m.start) for m in head_found if _usable(m)], ctx,
                                  chinese=is_chinese(head), order=-1, in_title=True)
    for i, s in sentences:
        sent = prepared[s.start : s.end]
        ctx.fallback_materials = _fallback(per_sentence, i, head_keys, topic)
        drafts += sentence_events(s.text, sent, s.start, [(k, at) for k, at, _ in per_sentence[i]], ctx,
                                  chinese=is_chinese(sent), order=i)
    if not drafts:
        return []
    _date_issued(drafts, _issued_dates(all_sentences, prepared, lex, pub))
    events = merge_statements(drafts, country=lex.issuer_country, rank=lex.issuer_rank, families=lex.families)
    unknown = any("-?-" in (d.identifier or "") + (d.refers_to or "") for d in events)
    years = _passage_years(prepared, pub) if unknown else []
    complete_years(events, published_year=pub[0] if pub else None, passage_years=years)
    return [d.freeze() for d in events]


def _issued_dates(sentences: list[Sentence], prepared: str, lex: Lexicon, pub: Published | None) -> dict[int, str]:
    """Sentence index → the date of the announcements it reports issued ("2025年10月9日，商务部连续
    发布六项公告"; "这两项公告于9日…发布"; "On October 9 MOFCOM issued six announcements"): the
    date nearest the issuing verb that is no start or end date."""
    out: dict[int, str] = {}
    for i, s in enumerate(sentences):
        sent = prepared[s.start : s.end]
        chinese = has_han(sent)
        lang = "zh" if chinese else "en"
        verb = lex.issuing[lang].search(sent)
        if verb is None:
            continue
        plain = [d for d in find_dates(sent, chinese=chinese) if not _start_or_end(sent, d.start, d.end, lex, lang)]
        if chinese:
            plain = [d for d in plain if d.end <= verb.end()]
        if not plain:
            continue
        nearest = min(plain, key=lambda d: abs(d.start - verb.start()))
        resolved = resolve(nearest, pub, past=True)
        if resolved is not None:
            out[i] = resolved[0]
    return out


def _start_or_end(sent: str, start: int, end: int, lex: Lexicon, lang: str) -> bool:
    """A start or end date ("from October 9", "至11月10日", "12月1日起"); Chinese 于 before a date
    ("于9日发布") marks when, not a start, so only 起/开始/生效 after it make a start there."""
    before = sent[max(0, start - 30) : start]
    if lang == "zh":
        return bool(lex.until_before["zh"].search(before) or lex.effective_after.match(sent, end))
    return bool(lex.until_before["en"].search(before) or lex.effective_before["en"].search(before))


def _date_issued(drafts: list[Draft], issued: dict[int, str]) -> None:
    """An announcement named by number without a date of its own was issued on the date its batch
    was reported issued, in its own sentence or up to two sentences before."""
    if not issued:
        return
    for d in drafts:
        if d.identifier is None or d.announced is not None or d.in_title:
            continue
        for o in range(d.order, d.order - _ISSUED_REACH - 1, -1):
            if o in issued:
                d.announced = issued[o]
                break


def _usable(m: Match) -> bool:
    """A material for a measure: silver and manganese are weak names of critical minerals, not materials."""
    return not (m.weak and m.key == "critical_minerals")


def _gated(sent: str, lex: Lexicon) -> bool:
    """The cheap test a sentence passes before any cue is tried: a control word of its script."""
    return bool(lex.gate["zh" if has_han(sent) else "en"].search(sent))


def _topic(found: list[Match]) -> list[str]:
    """The passage's main material: the most mentioned SCHEMA material (weak names count last)."""
    strong = Counter(m.key for m in found if not m.weak)
    counts = strong or Counter(m.key for m in found if m.key != "critical_minerals")
    return [counts.most_common(1)[0][0]] if counts else []


def _fallback(per_sentence: list[list[tuple[str, int, bool]]], i: int, head: list[str], topic: list[str]) -> list[str]:
    """A sentence naming no material speaks of the last one named shortly before (weak names
    such as "magnets" excepted), else of the headline's, else of the passage's main one."""
    for j in range(i - 1, max(-1, i - 1 - _LOOKBACK), -1):
        keys = [k for k, _, weak in per_sentence[j] if not weak]
        if keys:
            return list(dict.fromkeys(keys))
    return list(dict.fromkeys(head)) or topic


def _passage_years(prepared: str, pub: Published | None) -> list[int]:
    """The years the passage's dates name, most named first."""
    years: Counter[int] = Counter()
    for chinese in (False, True):
        for d in find_dates(prepared, chinese=chinese):
            resolved = resolve(d, pub, past=True)
            if resolved is not None and not resolved[1]:
                years[int(resolved[0][:4])] += 1
    return [y for y, _ in years.most_common()]
