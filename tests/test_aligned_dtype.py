"""AlignedText offsets are int32 below 2**31 raw characters, and every step keeps the type."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.aligned import AlignedText, offset_dtype
from helpers.normalize import normalize_document


@pytest.mark.parametrize(
    "raw_len, dtype",
    [(0, np.int32), (1, np.int32), (2**31 - 1, np.int32), (2**31, np.int64), (2**40, np.int64)],
)
def test_offset_dtype_by_raw_length(raw_len, dtype):
    assert offset_dtype(raw_len) == np.dtype(dtype)


@pytest.mark.parametrize(
    "pattern, repl, text",
    [
        (r"\([a-zé]+\)", "", "學校"),  # deletion
        (r"學", "学学", "学学(xué)校"),  # a longer replacement
        (r".+", "", ""),  # everything removed
    ],
)
def test_sub_keeps_int32_offsets(pattern, repl, text):
    a, _ = AlignedText.from_raw("學(xué)校").sub(pattern, repl)
    a.check()
    assert a.text == text
    assert a.starts.dtype == a.ends.dtype == np.int32


def test_normalised_document_keeps_int32_offsets():
    raw = "<p>區(qū)教育工作總結(jié)</p>\r\n<p>20xx年 全区１２所学校 QQ空间 新浪微博 腾讯微博 人人网 更多</p>"
    a = normalize_document(raw).aligned
    a.check()
    assert a.starts.dtype == a.ends.dtype == np.int32
