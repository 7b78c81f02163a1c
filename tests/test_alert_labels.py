"""Issue 15: alerts in the reader's language. Every vocabulary key has an English and a Chinese
label (worker/alert/labels.yaml, labels_zh.yaml, else the vocabulary's alias in that script), no
key reaches a message raw, and a Chinese title keeps the evidence exactly as published."""

from __future__ import annotations

import re

import pytest

from worker.alert.render import AlertView, label, labels, render
from worker.extract.vocab import load_vocabulary
from worker.types import Stance, Statistic

CJK = re.compile(r"[\u4e00-\u9fff]")
SCHEMA_MEASURES = ("share_of_global_production", "share_of_global_refining", "share_of_global_reserves",
                   "share_of_magnet_production", "share_of_global_exports", "import_dependence",
                   "export_volume", "export_value", "export_change", "import_volume", "import_value",
                   "price", "price_change", "production_volume", "production_quota", "reserves_volume",
                   "licence_count", "tariff_rate")
POSITIONS = ("tighten", "maintain", "ease", "press", "counter", "negotiate")


def _keys() -> list[tuple[str, str]]:
    vocab = load_vocabulary()
    return ([("actors", k) for k in vocab.actors] + [("materials", k) for k in vocab.materials]
            + [("measures", k) for k in {*SCHEMA_MEASURES, *vocab.measures}]
            + [("positions", k) for k in POSITIONS] + [("units", k) for k in labels("en")["units"]])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_vocabulary_key_has_a_label_in_both_languages(lang: str) -> None:
    def raw(g: str, k: str) -> bool:
        text = label(g, k, lang)
        return "_" in text or (text == k and not k.isalpha())

    raw_keys = [(g, k) for g, k in _keys() if g != "units" and raw(g, k)]
    assert raw_keys == []
    if lang == "zh":  # Chinese words, except names written in Latin letters on purpose (MP Materials, F-35)
        explicit = labels("zh")["actors"]
        latin = [(g, k) for g, k in _keys() if g not in ("units",) and not CJK.search(label(g, k, "zh"))
                 and not (g == "actors" and k in explicit)]
        assert latin == []
        assert set(labels("en")["units"]) == set(labels("zh")["units"])


def test_a_chinese_title_is_structured_and_the_evidence_is_as_published() -> None:
    sentence = "China now refines about 92% of the world's rare earths, officials said."
    stat = Statistic(value=92, unit="percent", subject="china", material="rare_earths",
                     measure="share_of_global_refining", sentence=sentence)
    view = AlertView(kind="changed_statistic", statistic=stat, previous={"value": 90.0, "unit": "percent"},
                     sentence=sentence, article_url="https://example.org/a", source="Wire")
    title, body = render(view, "text", "zh")
    assert title == "中国 · 稀土 · 全球冶炼份额：90% → 92%"
    assert f"“{sentence}”" in body and "来源：Wire" in body
    en_title, _ = render(view, "text", "en")
    assert en_title == "China · refining share · rare earths: 90% → 92%"
    stance = AlertView(kind="stance_shift", stance=Stance(actor="european_union", position="counter"),
                       sentence="欧盟将采取反制措施。")
    title, body = render(stance, "html", "zh")
    assert title == "欧盟 · 立场：反制" and "欧盟将采取反制措施。" in body and "首次看到该方的立场。" in body
