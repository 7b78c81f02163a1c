"""Page bytes into text: Chinese and Japanese pages, honest and lying charset declarations."""

from __future__ import annotations

import codecs

import pytest

from worker.fetch.decode import charset_from_header, charset_from_markup, decode_html, normalize_label

SIMPLIFIED = (
    "商务部新闻发言人就稀土相关物项出口管制措施答记者问。问：商务部和海关总署近日发布公告，"
    "对钐、钆、铽、镝、镥、钪、钇等七类中重稀土相关物项实施出口管制，请问出台这一措施的考虑是什么？"
    "答：稀土相关物项具有军民两用属性，对相关物项实施出口管制是国际通行做法。中国政府依法对相关物项"
    "实施出口管制，旨在更好维护国家安全和利益、履行防扩散等国际义务。"
)
RARE_GB18030 = "𠀀𠀁 㐀 镝铽钐"  # outside GBK: only gb18030 (four-byte sequences) can encode these
TRADITIONAL = (
    "中國商務部與海關總署昨日發出公告，表示為維護國家安全和利益，決定將鎵、鍺相關物項納入出口管制，"
    "自下月起，出口前須先取得相關許可。鎵和鍺主要用於半導體生產，而中國正是這兩種金屬的最大生產國。"
    "外界相信，此舉是中國針對美國、日本及荷蘭近期收緊對華晶片出口限制所作的反擊。"
)
JAPANESE = (
    "日本政府は、中国によるレアアースの輸出規制強化について、経済安全保障上の重大な懸念があるとして、"
    "関係省庁による対応を協議している。経済産業省によると、国内の磁石メーカーは在庫の確保を急いでおり、"
    "代替調達先としてオーストラリアやベトナムとの協力を進める方針だ。"
)
PAGES = {
    # name: (text, codec used to encode, label to declare, codec we must report)
    "gbk": (SIMPLIFIED, "gbk", "gbk", "gb18030"),
    "gb2312": (SIMPLIFIED, "gb2312", "gb2312", "gb18030"),
    "gb18030": (SIMPLIFIED + RARE_GB18030, "gb18030", "gb18030", "gb18030"),
    "big5": (TRADITIONAL, "big5", "big5", "big5hkscs"),
    "shift_jis": (JAPANESE, "shift_jis", "shift_jis", "cp932"),
    "utf-8": (SIMPLIFIED, "utf-8", "utf-8", "utf-8"),
}


def page(text: str, meta: str | None = None, http_equiv: bool = False) -> str:
    if meta and http_equiv:
        head = f'<meta http-equiv="Content-Type" content="text/html; charset={meta}">'
    elif meta:
        head = f'<meta charset="{meta}">'
    else:
        head = ""
    return (f"<!DOCTYPE html><html><head>{head}<title>{text[:12]}</title></head>"
            f"<body><article><h1>{text[:20]}</h1><p>{text}</p><p>{text[::-1]}</p></article></body></html>")


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("declared", ["header", "meta", "http-equiv", "none"])
def test_pages_decode_without_mojibake(name: str, declared: str) -> None:
    text, codec, label, expected = PAGES[name]
    html = page(text, meta=label if declared in ("meta", "http-equiv") else None,
                http_equiv=declared == "http-equiv")
    header = f"text/html; charset={label}" if declared == "header" else "text/html"
    decoded, used = decode_html(html.encode(codec), header)
    assert decoded == html
    assert "\ufffd" not in decoded
    if declared != "none":
        assert used == expected
    else:
        assert codecs.lookup(used).name in {expected, "gb18030", "big5hkscs", "cp932", "utf-8", "big5",
                                            "shift_jis", "gbk", "gb2312"}


@pytest.mark.parametrize(("name", "liar"), [
    ("big5", "gb2312"), ("shift_jis", "gbk"), ("gbk", "big5"), ("gbk", "shift_jis"), ("gbk", "utf-8"),
    ("utf-8", "gbk"), ("utf-8", "iso-8859-1"), ("gbk", "iso-8859-1"), ("big5", "utf-8"),
    ("shift_jis", "big5"),
])
def test_lying_meta_charset_is_detected(name: str, liar: str) -> None:
    text, codec, _, _ = PAGES[name]
    html = page(text, meta=liar)
    decoded, used = decode_html(html.encode(codec), None)
    assert decoded == html, (used, decoded[60:120])


@pytest.mark.parametrize(("name", "liar"), [("gbk", "iso-8859-1"), ("utf-8", "windows-1252"),
                                            ("big5", "gbk"), ("gbk", "utf-8")])
def test_lying_http_charset_is_detected(name: str, liar: str) -> None:
    text, codec, label, _ = PAGES[name]
    html = page(text, meta=label)
    decoded, _ = decode_html(html.encode(codec), f"text/html; charset={liar}")
    assert decoded == html


def test_bom_wins_and_is_stripped() -> None:
    html = page(SIMPLIFIED, meta="gbk")
    for bom, codec in [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                       (codecs.BOM_UTF16_BE, "utf-16-be")]:
        decoded, used = decode_html(bom + html.encode(codec), "text/html; charset=gbk")
        assert decoded == html and used == codec


def test_ascii_empty_and_garbage_never_raise() -> None:
    assert decode_html(b"", None) == ("", "utf-8")
    assert decode_html(b"<p>plain</p>", "text/html; charset=utf-8")[0] == "<p>plain</p>"
    text, _ = decode_html(bytes(range(256)) * 10, "text/html; charset=nonsense")
    assert isinstance(text, str)


@pytest.mark.parametrize(("label", "codec"), [
    ("GB2312", "gb18030"), ("gbk", "gb18030"), ("x-gbk", "gb18030"), ("GB18030", "gb18030"),
    ("Big5", "big5hkscs"), ("Shift_JIS", "cp932"), ("ISO-8859-1", "cp1252"), ("utf8", "utf-8"),
    ("UTF-8", "utf-8"), ("'utf-8'", "utf-8"), ("bogus", None), ("base64", None), (None, None),
])
def test_label_normalisation(label: str | None, codec: str | None) -> None:
    assert normalize_label(label) == codec


def test_header_and_markup_charsets() -> None:
    assert charset_from_header('text/html; charset="GB2312"') == "gb18030"
    assert charset_from_header("text/xml;charset= 'us-ascii'") == "cp1252"
    assert charset_from_header("text/html") is None
    assert charset_from_markup(b'<?xml version="1.0" encoding="big5"?><rss/>') == "big5hkscs"
    http_equiv = b"<meta http-equiv=Content-Type content='text/html; charset=gbk'>"
    assert charset_from_markup(http_equiv) == "gb18030"
