"""jieba tokenizers whose model cache lives in the project's cache folder, not in /tmp.

jieba's global tokenizer writes ``jieba.cache`` into the shared temp directory, where two
users (or two projects) overwrite each other's file. Every part of ``helpers`` that needs
jieba gets its own :class:`jieba.Tokenizer` from here instead.
"""

from __future__ import annotations

from functools import lru_cache

import jieba

from .paths import cache_dir

JIEBA_CACHE_FILE = "jieba_main.cache"


@lru_cache(maxsize=1)
def load_plain_tokenizer() -> jieba.Tokenizer:
    """jieba's main dictionary only, initialised once per process, cached under ``cache_dir()``.

    >>> load_plain_tokenizer().lcut("学科教师配置", HMM=False)
    ['学科', '教师', '配置']
    """
    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    tk = jieba.Tokenizer()
    tk.tmp_dir = str(folder)
    tk.cache_file = JIEBA_CACHE_FILE
    tk.initialize()
    return tk
