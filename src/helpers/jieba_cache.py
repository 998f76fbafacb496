"""jieba tokenizers whose model cache lives in the project's cache folder, not in /tmp.

jieba's global tokenizer writes ``jieba.cache`` into the shared temp directory, where two
users (or two projects) overwrite each other's file. Every part of ``helpers`` that needs
jieba gets its own :class:`jieba.Tokenizer` from here instead.
"""

from __future__ import annotations

import logging
from functools import lru_cache

import jieba

from .paths import cache_dir

JIEBA_CACHE_FILE = "jieba_main.cache"


def new_tokenizer() -> jieba.Tokenizer:
    """A fresh tokenizer on jieba's main dictionary, initialised, cache under ``cache_dir()``.

    Callers may add words to it (``add_word``) without touching any other tokenizer.
    """
    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    tk = jieba.Tokenizer()
    tk.tmp_dir = str(folder)
    tk.cache_file = JIEBA_CACHE_FILE
    logging.getLogger("jieba").setLevel(logging.WARNING)
    tk.initialize()
    return tk


@lru_cache(maxsize=1)
def load_plain_tokenizer() -> jieba.Tokenizer:
    """The shared plain tokenizer (main dictionary only), built once per process.

    >>> load_plain_tokenizer().lcut("学科教师配置", HMM=False)
    ['学科', '教师', '配置']
    """
    return new_tokenizer()
