"""Exact and near-duplicate detection: content hashes and MinHash signatures over shingles."""

from __future__ import annotations

import hashlib
import re
import unicodedata

import numpy as np
from datasketch import MinHash

NUM_PERM = 64
NEAR_DUP_THRESHOLD = 0.6
_WORD = re.compile(r"[\w']+")
_CJK = re.compile(r"[\u3400-\u9fff]")


def normalize_for_hash(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return " ".join(_WORD.findall(text))


def content_hash(text: str) -> str:
    return hashlib.sha256(normalize_for_hash(text).encode()).hexdigest()


def _shingles(text: str) -> set[str]:
    norm = normalize_for_hash(text)
    if len(_CJK.findall(norm)) > len(norm) / 4:
        chars = norm.replace(" ", "")
        return {chars[i:i + 3] for i in range(max(1, len(chars) - 2))}
    words = norm.split()
    return {" ".join(words[i:i + 3]) for i in range(max(1, len(words) - 2))}


def signature(text: str) -> bytes:
    m = MinHash(num_perm=NUM_PERM)
    m.update_batch([s.encode() for s in _shingles(text)])
    return m.hashvalues.astype(np.uint64).tobytes()


def similarity(sig_a: bytes, sig_b: bytes) -> float:
    a = np.frombuffer(sig_a, dtype=np.uint64)
    b = np.frombuffer(sig_b, dtype=np.uint64)
    if a.shape != b.shape or a.size == 0:
        return 0.0
    return float(np.count_nonzero(a == b)) / float(a.size)
