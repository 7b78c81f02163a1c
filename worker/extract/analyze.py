"""One call from article text to everything the extractor knows: ``analyze``.

The façade the scrape/detect stages and ``remon extract`` / ``remon eval`` use. It decides the
language, scores relevance, and only for relevant text runs the costlier extractors
(statistics, stances, claims): an off-topic page (chip rules, soybean tariffs) must not feed
numbers or positions into the alerting stage, however many of the same words it uses. A page in
a language remon has no rules for (Indonesian, Japanese, German …) is not scored at all: it is
irrelevant with a ``reason`` that names its language (``worker.extract.language``).

All vocabularies and cue tables are compiled once per process (cached loaders); call
``warm_up()`` at worker start to pay that cost before the first article.
"""

from __future__ import annotations

from worker.extract.claims import extract_claims
from worker.extract.language import detect_language, is_read, unread_reason
from worker.extract.relevance import is_relevant, score_relevance
from worker.extract.stances import extract_stances
from worker.extract.statistics import extract_statistics
from worker.extract.vocab import Vocabulary, load_vocabulary
from worker.types import Analysis

__all__ = ["analyze", "warm_up"]


def analyze(
    text: str,
    *,
    title: str | None = None,
    language: str | None = None,
    vocab: Vocabulary | None = None,
    relevance_min: float | None = None,
) -> Analysis:
    """Language, relevance and (when relevant) statistics, stances and claims of one article.

    The language is always detected from the text (or the title when the text is empty): a
    page's declared ``lang`` is often a site template's ("en-US" on an Indonesian blog). A
    ``language`` the caller gives ("en", "zh-Hans", "zh-Hant") only chooses the script when the
    text is Chinese, or confirms English; it never makes remon read a language it does not.
    ``relevance_min`` overrides the calibrated threshold, e.g. for a source known to be on topic.
    ``vocab`` is a watch file's extended vocabulary; the packaged one is used otherwise.
    """
    body = text or ""
    lang = detect_language(body if body.strip() else (title or ""))
    if not is_read(lang):
        return Analysis(language=lang, relevant=False, relevance=0.0, reason=unread_reason(lang))
    if language in ("zh-Hans", "zh-Hant") and lang.startswith("zh"):
        lang = language
    score, terms = score_relevance(body, title=title, vocab=vocab)
    if not is_relevant(score, relevance_min) or not body.strip():
        return Analysis(language=lang, relevant=False, relevance=score, matched_terms=terms)
    vocab = vocab or load_vocabulary()
    # a headline often states the stance ("China suspends rare earth curbs"); statistics keep
    # to the body because their spans are offsets into it
    headed = _with_title(body, title)
    return Analysis(
        language=lang,
        relevant=True,
        relevance=score,
        matched_terms=terms,
        statistics=tuple(extract_statistics(body, language=lang, vocab=vocab, on_topic=True)),
        stances=tuple(extract_stances(headed, language=lang, vocab=vocab)),
        claims=tuple(extract_claims(headed, language=lang, vocab=vocab)),
    )


def _with_title(body: str, title: str | None) -> str:
    """The body with the title as its first line, unless the body already starts with it."""
    head = (title or "").strip()
    if not head or " ".join(head.split())[:30] in " ".join(body[:400].split()):
        return body
    return f"{head}\n{body}"


def warm_up() -> None:
    """Compile every vocabulary and cue table, and load the language model, now rather than on the
    first article."""
    analyze("China imposed export controls on rare earths, the ministry said. 中方表示将实施稀土出口管制。")
    detect_language("The commerce ministry said licences would be required for every shipment from December.")
