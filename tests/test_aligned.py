"""AlignedText keeps every derived character traceable to its raw span."""

from __future__ import annotations

import pytest

from helpers.aligned import AlignedText
from helpers.script import convert_aligned_to_simplified

RAW_002 = "區(qū)教育脫貧工作,認(rèn)真貫徹中省市區(qū)脫貧攻堅工作要求"


def test_identity_alignment():
    a = AlignedText.from_raw("教育\r\n")
    a.check()
    assert a.raw_span(0, 2) == (0, 2)
    assert a.raw_span(2, 4) == (2, 4)


def test_deletion_keeps_neighbours_exact():
    a, n = AlignedText.from_raw(RAW_002).sub(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)", "")
    a.check()
    assert n == 3
    assert a.text == "區教育脫貧工作,認真貫徹中省市區脫貧攻堅工作要求"
    i = a.text.index("認真")
    s, e = a.raw_span(i, i + 2)
    assert RAW_002[s:e] == "認(rèn)真"


def test_replacement_maps_to_whole_match():
    raw = "20xx年全市5万余名师生"
    a, n = AlignedText.from_raw(raw).sub(r"20xx年", "〇年")
    assert n == 1 and a.text == "〇年全市5万余名师生"
    assert a.raw_span(0, 1) == (0, 5)  # both derived chars map to the whole match
    assert raw[slice(*a.raw_span(0, 2))] == "20xx年"


def test_char_level_replacement_keeps_per_char_spans():
    raw = "總結教育"
    a, _ = convert_aligned_to_simplified(AlignedText.from_raw(raw))
    assert a.text == "总结教育"
    assert [a.raw_span(i, i + 1) for i in range(4)] == [(0, 1), (1, 2), (2, 3), (3, 4)]


def test_unchanged_matches_are_not_counted():
    a = AlignedText.from_raw("教育工作")
    b, n = a.sub(r"教育", "教育")
    assert n == 0 and b is a


def test_translate_requires_one_to_one():
    a = AlignedText.from_raw("１２%")
    b = a.translate(str.maketrans("１２", "12"))
    assert b.text == "12%" and b.raw_span(0, 2) == (0, 2)
    with pytest.raises(ValueError):
        a.translate({ord("１"): "10"})


def test_slice_and_empty_spans():
    a = AlignedText.from_raw("一、总结")
    s = a.slice(2, 4)
    assert s.text == "总结" and s.raw_span(0, 2) == (2, 4)
    assert a.raw_span(4, 4) == (4, 4)
    empty, n = AlignedText.from_raw("xx").sub("x", "")
    assert empty.text == "" and n == 2 and empty.raw_span(0, 0) == (2, 2)
