"""Ingestion: strict decoding, the offset reference text, bad files, duplicates."""

from __future__ import annotations

import codecs
import hashlib

import pytest

from helpers.load import (
    DecodeError,
    decode_bytes,
    describe_documents,
    find_raw_files,
    load_documents,
    make_doc_id,
    parse_raw_bytes,
)

# Real snippets from the seeds: 001 (Simplified), 000 (Traditional, Big5-encodable).
SIMPLIFIED = (
    "今年我市参加高考人数1628人,三本以上上线841人,其中一本198人,二本438人,三本205人。"
    "综合上线率达到 51.66%,再次取得了总上线率和应届上线率均为XX市第一的好成绩。\r\n"
    "全市中考A等学生共计895人,占参考人数的33.86%,比去年提高了3.86个百分点。\n"
)
TRADITIONAL = (
    "今年,我們全面落實區教育局工作部署,圍繞目標,把握重點,強化落實,"
    "基本完成了全年各項工作任務,取得了良好成效。\r\n一、全面推進,素質教育成果不斷放大\n"
)


@pytest.mark.parametrize(
    "text,encoding,expected",
    [
        (SIMPLIFIED, "utf-8", "utf-8"),
        (SIMPLIFIED, "gb18030", "gb18030"),
        (TRADITIONAL, "gb18030", "gb18030"),
        (TRADITIONAL, "big5", "big5"),
        (SIMPLIFIED, "utf-16", "utf-16"),  # Python writes a BOM
        (TRADITIONAL, "utf-16", "utf-16"),
        (SIMPLIFIED, "utf-8-sig", "utf-8-sig"),
    ],
)
def test_each_encoding_gives_same_text(text, encoding, expected):
    decoded, used = decode_bytes(text.encode(encoding))
    assert decoded == text
    assert used == expected


@pytest.mark.parametrize("bom", [codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE])
def test_utf16_both_byte_orders(bom):
    codec = "utf-16-le" if bom == codecs.BOM_UTF16_LE else "utf-16-be"
    decoded, used = decode_bytes(bom + SIMPLIFIED.encode(codec))
    assert (decoded, used) == (SIMPLIFIED, "utf-16")


def test_bom_is_removed_and_crlf_kept():
    decoded, _ = decode_bytes(codecs.BOM_UTF8 + "一、\r\n二、".encode())
    assert decoded == "一、\r\n二、"
    assert len(decoded) == 6  # \r\n stays two characters


@pytest.mark.parametrize(
    "data,reason",
    [
        (b"", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary content"),
        (bytes(range(1, 32)) * 20, "binary content"),
        (b"\x80\xffabc\x80" * 10, "undecodable"),
    ],
)
def test_bad_bytes_raise_clear_reason(data, reason):
    with pytest.raises(DecodeError, match=reason):
        decode_bytes(data)


def test_whitespace_only_is_skipped_not_raised():
    doc = parse_raw_bytes(b" \r\n\t\n  ", "blank.txt")
    assert not doc.ok
    assert doc.skip_reason == "whitespace only"


def test_offsets_index_the_decoded_text_in_every_encoding():
    """The same figure has the same raw offsets whatever the file's encoding."""
    needle = "51.66%"
    start = SIMPLIFIED.index(needle)
    for enc in ("utf-8", "gb18030", "utf-16", "utf-8-sig"):
        doc = parse_raw_bytes(SIMPLIFIED.encode(enc), f"x.{enc}.txt")
        assert doc.text[start : start + len(needle)] == needle


def test_load_documents_reports_bad_files_and_keeps_going(make_raw_dir):
    raw = make_raw_dir(
        {
            "a.txt": SIMPLIFIED,
            "b_empty.txt": b"",
            "c_blank.txt": "\n \n",
            "d_binary.txt": b"\x00\x01\x02PK\x03\x04" * 50,
            "e.txt": TRADITIONAL.encode("big5"),
            "notes.md": "ignored: not a .txt",
        }
    )
    docs = load_documents(raw)
    by_id = {d.doc_id: d for d in docs}
    assert list(by_id) == ["a", "b_empty", "c_blank", "d_binary", "e"]
    assert by_id["a"].ok and by_id["e"].ok and by_id["e"].encoding == "big5"
    assert by_id["b_empty"].skip_reason.startswith("empty file")
    assert by_id["c_blank"].skip_reason == "whitespace only"
    assert by_id["d_binary"].skip_reason.startswith("binary content")


def test_identical_files_are_both_listed_and_flagged(make_raw_dir):
    raw = make_raw_dir({"one.txt": SIMPLIFIED, "two.txt": SIMPLIFIED, "three.txt": TRADITIONAL})
    table = describe_documents(load_documents(raw)).set_index("doc_id")
    assert list(table.index) == ["one", "three", "two"]
    assert table.loc["two", "duplicate_of"] == "one"
    assert table.loc["one", "duplicate_of"] == ""
    assert table.loc["three", "duplicate_of"] == ""


def test_describe_documents_columns_and_values(make_raw_dir):
    raw = make_raw_dir({"sub dir/县 报告.txt": TRADITIONAL.encode("big5"), "s.txt": SIMPLIFIED})
    table = describe_documents(load_documents(raw)).set_index("doc_id")
    t = table.loc["sub dir/县 报告"]
    assert t["path"] == "sub dir/县 报告.txt"
    assert t["encoding"] == "big5"
    assert t["n_bytes"] == len(TRADITIONAL.encode("big5"))
    assert t["sha256"] == hashlib.sha256(TRADITIONAL.encode("big5")).hexdigest()
    assert t["n_chars"] == len(TRADITIONAL)
    assert t["n_lines"] == 2
    assert t["script"] == "traditional"
    assert table.loc["s", "script"] == "simplified"
    assert table.loc["s", "status"] == "ok"


def test_seed_corpus_is_read_as_expected(seed_dir):
    table = describe_documents(load_documents(seed_dir))
    assert len(table) == 5
    assert set(table["encoding"]) == {"utf-8"}
    assert (table["status"] == "ok").all()
    scripts = dict(zip(table["doc_id"].str[:3], table["script"], strict=True))
    assert scripts["001"] == "simplified" and scripts["003"] == "simplified"
    assert scripts["000"] in {"traditional", "mixed"} and scripts["002"] in {"traditional", "mixed"}


def test_hidden_files_are_ignored_and_order_is_stable(make_raw_dir):
    raw = make_raw_dir({"b.txt": "乙", "a/c.txt": "丙", ".hidden/x.txt": "丁", "A.TXT": "甲"})
    assert [p.relative_to(raw).as_posix() for p in find_raw_files(raw)] == [
        "A.TXT",
        "a/c.txt",
        "b.txt",
    ]


def test_missing_raw_dir_raises(tmp_path):
    with pytest.raises(FileNotFoundError, match="raw directory not found"):
        load_documents(tmp_path / "nope")


@pytest.mark.parametrize(
    "rel,doc_id", [("x.txt", "x"), ("a/b.TXT", "a/b"), ("报告 1.txt", "报告 1")]
)
def test_doc_id_is_name_without_txt(rel, doc_id):
    assert make_doc_id(rel) == doc_id
