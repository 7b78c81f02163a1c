"""Attributed statements about the topic: ``extract_claims`` and near-duplicate matching.

A claim is what someone is reported to have said about export controls or mineral supply:
"MOFCOM said licences will be issued for eligible trade", "贝森特表示，美中双方可望达成协议".
The alerting stage raises ``new_claim`` only for claims no earlier article carried, and
syndicated copies are re-worded a little (a dropped adjective, a changed date, Traditional vs
Simplified script), so each claim carries a *fingerprint*: a 64-bit SimHash of its content
shingles (English: stemmed content words and word pairs; Chinese: character pairs after folding
to Simplified). Small edits flip few bits; ``same_claim`` compares fingerprints by Hamming
distance, ``claim_similarity`` compares texts by shingle overlap.

Reporting verbs, pronouns, implicit speakers and topic terms are shared with the stance
extractor (``data/stance_cues.yaml``).
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from worker.common.cjk import HAN, has_han
from worker.extract.resources import read_data
from worker.extract.stances import DocumentActors
from worker.extract.text import Prefilter, split_sentences
from worker.extract.vocab import Vocabulary, load_vocabulary, prepare
from worker.types import Claim

__all__ = [
    "SAME_CLAIM_MAX_DISTANCE",
    "claim_similarity",
    "extract_claims",
    "fingerprint",
    "same_claim",
    "unique_claims",
]


SAME_CLAIM_MAX_DISTANCE = 12
"""Fingerprints at most this many bits apart (of 64) are the same claim."""

_STOPWORDS_TEXT = """a an the of to in on for and or but with by from at as is are was were be been being that
    this these those it its their his her they he she we our us will would could should may might can
    has have had do does did not no said says say told also than then there which who whom whose what
    when where while into over after before about such more most very just only other others any all
    some according added adds"""
_STOPWORDS = frozenset(_STOPWORDS_TEXT.split())
_WORD = re.compile(r"[a-z0-9][a-z0-9'.%-]*[a-z0-9%]|[a-z0-9]")
_LEAD = re.compile(r"^[\s,，:：;；\"'“”‘’「」『』]*(?:that\s+)?", re.I)
_TRAIL = re.compile(r"[\s,，:：;；\"'“”‘’「」『』.。!！?？]*$")
_NAME = re.compile(r"\b(?:[A-Z][\w'’.-]+(?:\s+(?:of|for|de|the|and)\s+|\s+)){0,4}[A-Z][\w'’.-]+")
_ZH_SPEAKER_TAIL = re.compile(r"[^,，。;；:：!?！？]{1,24}$")
_MIN_CLAIM_CHARS = 12
_AFTER_ADJUNCT = re.compile(r"\s+(?:in|on|at|during|last|this|earlier|late|after|as)\b", re.I)
_TOLD_THAT = re.compile(r"\s+(?:[\w'.-]+\s+){0,7}?that\b", re.I)
_NOT_NAMES = frozenset({"its", "the", "this", "that", "these", "chart", "table", "figure", "group", "key"})


@dataclass(frozen=True)
class _Model:
    verb: re.Pattern[str]
    according: re.Pattern[str]
    pronoun: re.Pattern[str]
    implicit: tuple[tuple[str, re.Pattern[str]], ...]
    topic: re.Pattern[str]
    sentence_filter: Prefilter  # of (verb, according, topic): which can match a sentence


def _terms(entry: Any) -> list[str]:
    if isinstance(entry, Mapping):
        return [str(p) for lang in ("en", "zh") for p in (entry.get(lang) or [])]
    return [str(p) for p in (entry or [])]


@lru_cache(maxsize=1)
def _model() -> _Model:
    raw = read_data("stance_cues.yaml")
    macros = {str(k): str(v) for k, v in raw["macros"].items()}

    def expand(p: str) -> str:
        for _ in range(3):
            p = re.sub(r"\{([A-Z0-9_]+)\}", lambda m: macros.get(m.group(1), m.group(0)), p)
        return prepare(p)

    verbs = raw["reporting_verbs"]
    en = sorted((v for v in verbs["en"] if v != "according to"), key=len, reverse=True)
    zh = sorted((prepare(v) for v in verbs["zh"] if prepare(v) not in ("据",)), key=len, reverse=True)
    # English verbs are plain words; Chinese entries may carry a lookahead ("说(?!法)")
    verb = re.compile("|".join([rf"\b{re.escape(v)}\b(?!\s+by\b)" for v in en] + zh))
    according = re.compile(r"\baccording to\b|据|據|援引|引述", re.IGNORECASE)
    topic_parts = [expand(p) for kind in ("control", "mineral") for p in _terms(raw["topic"][kind])]
    topic = re.compile("|".join(f"(?:{p})" for p in topic_parts), re.IGNORECASE)
    return _Model(
        verb=verb,
        according=according,
        sentence_filter=Prefilter([verb, according, topic]),
        pronoun=re.compile("|".join(f"(?:{expand(p)})" for p in _terms(raw["pronouns"])), re.IGNORECASE),
        implicit=tuple(
            (str(actor), re.compile("|".join(f"(?:{expand(p)})" for p in _terms(pats)), re.IGNORECASE))
            for actor, pats in (raw.get("implicit_actors") or {}).items()
        ),
        topic=topic,
    )


# ----------------------------------------------------------------------------- fingerprints


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _features(text: str) -> set[str]:
    """Content shingles: stemmed word unigrams + bigrams, and Chinese character bigrams."""
    prepared = prepare(text).lower()
    words = [_stem(w) for w in _WORD.findall(prepared) if w not in _STOPWORDS]
    feats = set(words)
    feats.update(f"{a} {b}" for a, b in itertools.pairwise(words))
    han = "".join(HAN.findall(prepared))
    feats.update(han[i:i + 2] for i in range(len(han) - 1))
    if len(han) == 1:
        feats.add(han)
    return feats


def _hash64(feature: str) -> int:
    return int.from_bytes(hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest(), "big")


def fingerprint(text: str) -> str:
    """64-bit SimHash (16 hex digits) of the text's content shingles; robust to small edits."""
    feats = _features(text)
    if not feats:
        return "0" * 16
    weights = [0] * 64
    for feat in feats:
        h = _hash64(feat)
        for bit in range(64):
            weights[bit] += 1 if (h >> bit) & 1 else -1
    value = sum(1 << bit for bit in range(64) if weights[bit] > 0)
    return f"{value:016x}"


def same_claim(fp_a: str, fp_b: str, *, max_distance: int = SAME_CLAIM_MAX_DISTANCE) -> bool:
    """True when two fingerprints are within ``max_distance`` bits (near-duplicate claims)."""
    try:
        distance = bin(int(fp_a, 16) ^ int(fp_b, 16)).count("1")
    except ValueError:
        return False
    return distance <= max_distance


def claim_similarity(a: Claim | str, b: Claim | str) -> float:
    """Jaccard overlap of content shingles of two claims (or texts), in [0, 1]."""
    fa = _features(a.text if isinstance(a, Claim) else a)
    fb = _features(b.text if isinstance(b, Claim) else b)
    if not fa or not fb:
        return 0.0
    return len(fa & fb) / len(fa | fb)


# ----------------------------------------------------------------------------- extraction


def _speaker(span: str, vocab: Vocabulary, model: _Model, prev: str | None,
             prefer_last: bool) -> str | None:
    """The actor key named in ``span``, else an implicit actor, a pronoun's antecedent or a name."""
    found = [m for m in vocab.find_actors(span, prepared=True) if not m.weak]
    if found:
        return str((found[-1] if prefer_last else found[0]).key)
    for actor, regex in model.implicit:
        if regex.search(span):
            return actor
    if model.pronoun.search(span) and prev:
        return prev
    names = [m.group(0) for m in _NAME.finditer(span)]
    if names:
        name = (names[-1] if prefer_last else names[0]).strip()
        if name.lower() not in _STOPWORDS and len(name) > 2 and name.split()[0].lower() not in _NOT_NAMES:
            return name
    return None


def _clean(text: str) -> str:
    return _TRAIL.sub("", _LEAD.sub("", text)).strip()


def _split(sent: str, model: _Model) -> tuple[int, int, int, int, bool] | None:
    """(speaker_start, speaker_end, claim_start, claim_end, speaker_after) of an attribution."""
    acc = model.according.search(sent)
    if acc and acc.start() <= 3:
        comma = re.search(r"[,，]", sent[acc.end():])
        if comma:
            cut = acc.end() + comma.start()
            return acc.end(), cut, cut + 1, len(sent), False
    for m in model.verb.finditer(sent):
        before = sent[:m.start()]
        after = sent[m.end():]
        # "…, the ministry said." / "…, MOFCOM said in a statement": speaker after the claim
        # (but "MOFCOM said on Thursday that …" reports forward)
        forward_that = _TOLD_THAT.match(after)
        trailing = len(_clean(after)) < 4 or bool(_AFTER_ADJUNCT.match(after))
        if forward_that is None and trailing and "," in before.replace("，", ","):
            cut = before.replace("，", ",").rfind(",")
            return cut + 1, m.start(), 0, cut, True
        if len(_clean(after)) >= _MIN_CLAIM_CHARS:
            that = forward_that if (forward_that and (_AFTER_ADJUNCT.match(after) or m.group(0) in (
                "told", "tells"))) else None
            if that:
                m_end = m.end() + that.end()
                start = max(before.replace("，", ",").rfind(","), before.rfind("。")) + 1
                return start, m.start(), m_end, len(sent), False
            start = max(before.replace("，", ",").rfind(","), before.rfind("。")) + 1
            tail = _ZH_SPEAKER_TAIL.search(before)
            s_start = start if start > 0 else (tail.start() if tail and has_han(before) else 0)
            return s_start, m.start(), m.end(), len(sent), False
    return None


def extract_claims(text: str, *, language: str | None = None, vocab: Vocabulary | None = None) -> list[Claim]:
    """Attributed statements about export controls / mineral supply, one per sentence.

    ``speaker`` is an actor key where the speaker is a known actor ("Bessent" → united_states,
    "the ministry" → china), else the name as written ("Barclays", "Noah Smith"), else None
    for an unattributed report. Claims repeated verbatim in one text are kept once.
    """
    del language  # both scripts are handled by the same rules
    if not text or not text.strip():
        return []
    vocab = vocab or load_vocabulary()
    model = _model()
    prepared = prepare(text)
    out: list[Claim] = []
    seen: set[str] = set()
    prev: str | None = None
    actors = DocumentActors(vocab, prepared)
    scope = model.sentence_filter.scope(prepared)
    for sentence in split_sentences(text):
        sent = prepared[sentence.start:sentence.end]
        found = [m for m in actors.in_sentence(sentence.start, sentence.end, sent) if not m.weak]
        live = scope.candidates(sentence.start, sentence.end)  # 0 verb, 1 according, 2 topic: without a verb or
        parts = None  # "according to" there is no attribution, without a topic no claim
        if (2 in live and (0 in live or 1 in live) and not sent.rstrip().endswith(("?", "？"))
                and model.topic.search(sent)):
            parts = _split(sent, model)
        if parts is not None:
            s_start, s_end, c_start, c_end, after = parts
            speaker = _speaker(sent[s_start:s_end], vocab, model, prev, prefer_last=not after)
            claim_text = _clean(sentence.text[c_start:c_end])
            if speaker is not None and len(claim_text) >= _MIN_CLAIM_CHARS:
                fp = fingerprint(claim_text)
                if fp not in seen:
                    seen.add(fp)
                    out.append(Claim(speaker=speaker, text=claim_text, sentence=sentence.text,
                                     fingerprint=fp))
        if found:
            prev = found[0].key
    return out


def unique_claims(claims: Iterable[Claim]) -> list[Claim]:
    """Drop near-duplicates (by fingerprint), keeping the first of each."""
    kept: list[Claim] = []
    for c in claims:
        if not any(same_claim(c.fingerprint, k.fingerprint) for k in kept):
            kept.append(c)
    return kept
