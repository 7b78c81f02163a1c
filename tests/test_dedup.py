"""Near-duplicates: the same story on two sites matches, different stories on the topic do not; the look-up
reads the window's signatures from SQLite and PostgreSQL alike."""

from __future__ import annotations

import itertools
import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from storage import queries
from storage.db import session_scope
from storage.models import Article, utcnow
from worker.scrape.article import extract_page
from worker.scrape.dedup import (
    NEAR_DUP_THRESHOLD,
    NUM_PERM,
    content_hash,
    earliest_similar,
    is_near_duplicate,
    normalize_for_hash,
    shingles,
    signature,
    similarity,
)


def page_text(path: Path) -> str:
    return extract_page(path.read_text(encoding="utf-8"), url=f"https://example.com/{path.name}").text


@pytest.fixture(scope="module")
def texts(shared: Path) -> dict[str, str]:
    """The dev timeline's articles (ten pages, one of them a syndicated copy of another)."""
    pages = sorted((shared / "eval" / "timeline-dev" / "articles").glob("*.html"))
    assert len(pages) >= 10, "the dev timeline's articles are missing from ../shared"
    return {p.name: page_text(p) for p in pages}


def test_syndicated_copy_matches(texts: dict[str, str]) -> None:
    sim = similarity(signature(texts["01-p009.html"]), signature(texts["01-p009-copy.html"]))
    assert sim >= NEAR_DUP_THRESHOLD + 0.2, sim
    assert is_near_duplicate(signature(texts["01-p009.html"]), signature(texts["01-p009-copy.html"]))
    # the raw pages differ: this is not an exact copy
    assert content_hash(texts["01-p009.html"]) != content_hash(texts["01-p009-copy.html"])


def test_different_stories_on_the_topic_do_not_match(texts: dict[str, str]) -> None:
    sigs = {name: signature(text) for name, text in texts.items()}
    pairs = [(a, b) for a, b in itertools.combinations(sorted(sigs), 2)
             if {a, b} != {"01-p009.html", "01-p009-copy.html"}]
    n = len(sigs)  # every pair of different stories is compared (without ../shared it used to compare none)
    assert n >= 10 and len(pairs) == n * (n - 1) // 2 - 1
    assert all(len(texts[name]) > 100 for name in sigs)  # article text was extracted from every page
    close = {(a, b): round(similarity(sigs[a], sigs[b]), 3) for a, b in pairs
             if similarity(sigs[a], sigs[b]) >= NEAR_DUP_THRESHOLD - 0.2}
    assert close == {}
    assert not any(is_near_duplicate(sigs[a], sigs[b]) for a, b in pairs)


def edited(text: str) -> str:
    """A sub-editor's pass: drop a sentence, reword a few words, add the outlet's furniture."""
    sentences = re.split(r"(?<=[.!?。！？])\s*", text)
    kept = [s for i, s in enumerate(sentences) if i != 3]
    body = " ".join(kept).replace("China", "Beijing", 2).replace("rare earth", "rare-earth", 2)
    body = body.replace("中国", "我国", 2).replace("商务部", "中国商务部", 1)
    return ("Reporting by our Asia desk. Read more: markets, commodities, subscribe now. " + body
            + " Copyright 2025. All rights reserved. Sign up for our newsletter. 版权所有 转载请注明出处")


def test_lightly_edited_copy_with_other_boilerplate_matches(texts: dict[str, str]) -> None:
    for name in ["01-p009.html", "02-p090.html", "07-p102.html", "09-p069.html"]:
        original = texts[name]
        assert is_near_duplicate(signature(original), signature(edited(original))), name


def test_chinese_copies_match_and_different_chinese_stories_do_not(shared: Path) -> None:
    rows = [json.loads(line) for line in (shared / "eval" / "dev.jsonl").read_text(encoding="utf-8").splitlines()]
    chinese = [r["text"] for r in rows if str(r.get("lang", "")).startswith("zh") and len(r["text"]) > 150]
    assert len(chinese) >= 8
    sigs = [signature(t) for t in chinese]
    for text, sig in zip(chinese, sigs, strict=True):
        assert is_near_duplicate(sig, signature(edited(text)))
    for (i, a), (j, b) in itertools.combinations(enumerate(sigs), 2):
        assert not is_near_duplicate(a, b), (chinese[i][:30], chinese[j][:30], similarity(a, b))


def test_exact_hash_ignores_case_spacing_and_punctuation() -> None:
    assert content_hash("Rare earths,  EXPORT controls!\n") == content_hash("rare earths export controls")
    assert content_hash("稀土出口管制。") == content_hash("稀土出口管制")
    assert normalize_for_hash("Ｆｕｌｌｗｉｄｔｈ　ＡＢＣ") == "fullwidth abc"
    assert content_hash("a") != content_hash("b")


def test_signature_is_serialisable_and_stable() -> None:
    sig = signature("China tightens export controls on rare earth magnets and processing technology")
    assert isinstance(sig, bytes) and len(sig) == NUM_PERM * 8
    assert sig == signature("China tightens export controls on rare earth magnets and processing technology")
    assert similarity(sig, sig) == 1.0
    assert similarity(sig, sig[:-8]) == 0.0
    assert similarity(b"", b"") == 0.0


def test_cjk_text_is_shingled_by_character() -> None:
    assert "稀 土 出" in shingles("稀土出口管制")
    assert "rare earth export" in shingles("Rare earth export controls")
    assert shingles("稀土") == {"稀 土"}


def test_earliest_similar_agrees_with_pairwise_similarity(texts: dict[str, str]) -> None:
    sigs = {name: signature(text) for name, text in texts.items()}
    names = sorted(sigs)
    for probe in names:
        others = [(k, sigs[n]) for k, n in enumerate(names) if n != probe]
        expected = next((k for k, s in others if similarity(sigs[probe], s) >= NEAR_DUP_THRESHOLD), None)
        assert earliest_similar(sigs[probe], [k for k, _ in others], b"".join(s for _, s in others)) == expected
    assert any(earliest_similar(sigs[n], [0] * (len(names) - 1), b"".join(s for m, s in sigs.items() if m != n))
               is not None for n in names)


def test_earliest_similar_takes_the_smallest_id_of_the_matches(texts: dict[str, str]) -> None:
    sigs = [signature(text) for text in texts.values()]
    some, other = sigs[0], next(s for s in sigs if similarity(sigs[0], s) < NEAR_DUP_THRESHOLD)
    assert earliest_similar(some, [9, 4, 7, 2], some + some + some + other) == 4  # rows come in any order
    assert earliest_similar(some, [2], other) is None and earliest_similar(some, [], b"") is None
    with pytest.raises(ValueError, match="bytes of signatures"):
        earliest_similar(some, [1, 2], some)


def test_near_duplicate_window_reads_the_originals_of_the_last_days(db_url: str, texts: dict[str, str]) -> None:
    """The worker's look-up query, on SQLite and PostgreSQL: which rows are compared, packed in id order."""
    sig_a, sig_b = (signature(text) for text in list(texts.values())[:2])
    now = utcnow()
    with session_scope(db_url) as s:
        def add(n: int, **kw: Any) -> int:
            article = Article(url=f"http://x.example/{n}", title="t", status="analysed", **kw)
            s.add(article)
            s.flush()
            assert article.id is not None
            return article.id

        recent = add(1, signature=sig_a, first_seen_at=now - timedelta(days=2))
        add(2, signature=sig_b, first_seen_at=now - timedelta(days=40))  # outside the window
        copy = add(3, signature=sig_a, first_seen_at=now - timedelta(days=1))
        add(4, signature=sig_a, first_seen_at=now, duplicate_of=recent)  # a copy is not an original
        add(5, signature=sig_b[:64], first_seen_at=now)  # another signature size: not comparable
        add(6, signature=None, first_seen_at=now)
        newest = add(7, signature=sig_b, first_seen_at=now)
    with session_scope(db_url) as s:
        ids, packed = queries.near_duplicate_window(s, since=now - timedelta(days=30), exclude_id=copy,
                                                    size=len(sig_a))
    assert sorted(ids) == [recent, newest]
    by_id = {i: packed[k * len(sig_a):(k + 1) * len(sig_a)] for k, i in enumerate(ids)}
    assert by_id == {recent: sig_a, newest: sig_b}
    assert earliest_similar(sig_a, ids, packed) == recent
