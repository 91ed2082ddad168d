"""Exact and near-duplicate detection of article bodies: content hashes, MinHash signatures, LSH bands.

Everything works on the matching normal form of the body (`crawler.text.normalize.matching_form`), so
diacritics, tatweel, hamza spellings, quote styles and Arabic-Indic digits never make two copies
of a story look different.

Chosen parameters, measured on tests/data/syndication.py (8 wire stories, 6 republished
variants each: dateline/agency tag, diacritics and tatweel, no hamza + typographic quotes +
Arabic-Indic digits, a sentence dropped and one added, words changed + a source line, the last
paragraph cut; and 3 different articles on the same events as 3 of the stories):

    shingle size         1      2      3      4      5
    copies, lowest J     0.72   0.66   0.62   0.56   0.51
    same event, highest  0.15   0.05   0.02   0.01   0.00
    unrelated, highest   0.12   0.06   0.04   0.04   0.03

- `SHINGLE_SIZE = 3` words: one edited word breaks three shingles, so copies stay above 0.6 while
  articles on the same event, which share names and vocabulary but not phrasing, fall to 0.02.
  Single words (1) would let vocabulary alone decide; longer shingles cost recall on edited copies.
- `DEDUPE_THRESHOLD = 0.5` (a setting): halfway through the gap, with room for heavier edits than
  the corpus has and for the estimate's error (128 permutations: standard deviation 0.044 at 0.5).
- `NUM_PERM = 128`, `BANDS = 32` of `ROWS = 4`: a pair becomes a candidate with probability
  1 - (1 - J^4)^32, so 0.87 at J = 0.5, 0.99 at 0.6, 0.9998 at 0.7, and 0.0002 at J = 0.05; the
  banding threshold (1/32)^(1/4) = 0.42 sits below the confirmation threshold, so LSH rarely misses
  a pair the estimate would confirm. The 32 band keys and the content hash of an article are 33
  64-bit integers in the in-memory index of `crawler/store/dedupe.py`.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass

import numpy as np

from crawler.text.normalize import matching_form, words

SHINGLE_SIZE = 3
NUM_PERM = 128
BANDS = 32
ROWS = NUM_PERM // BANDS
MAX_HASH = np.uint64((1 << 32) - 1)
# Fixed permutations: every process, on every machine, computes the same signature for a text.
_rng = np.random.RandomState(1)
PERM_A = _rng.randint(1, 1 << 63, size=NUM_PERM, dtype=np.uint64) | np.uint64(1)  # odd
PERM_B = _rng.randint(0, 1 << 63, size=NUM_PERM, dtype=np.uint64)
del _rng
SHIFT = np.uint64(32)
# Matching only needs the opening of a very long text: a 100,000-word live blog is not read whole.
MAX_SHINGLES = 20_000


@dataclass
class Fingerprint:
    """What dedupe compares of a body: the exact hash and the MinHash signature."""

    content_hash: str
    signature: np.ndarray


def _tokens(body: str) -> list[str]:
    return words(matching_form(body))


def _hash(tokens: list[str]) -> str:
    return hashlib.blake2b(" ".join(tokens).encode(), digest_size=16).hexdigest()


def _shingles(tokens: list[str], size: int) -> set[str]:
    if len(tokens) <= size:
        return {" ".join(tokens)} if tokens else set()
    return {
        " ".join(tokens[i : i + size]) for i in range(min(len(tokens) - size + 1, MAX_SHINGLES))
    }


def _signature(shingle_set: set[str]) -> np.ndarray:
    if not shingle_set:
        return np.full(NUM_PERM, MAX_HASH, dtype=np.uint64)
    hashed = np.fromiter(
        (zlib.crc32(s.encode()) for s in shingle_set), dtype=np.uint64, count=len(shingle_set)
    )[:, None]
    # Multiply-shift: the products wrap around by design (numpy never checks integer arrays for
    # overflow). In place: one shingles x permutations matrix instead of three.
    products = hashed * PERM_A
    products += PERM_B
    products >>= SHIFT
    return products.min(axis=0)


def fingerprint(body: str) -> Fingerprint:
    """The content hash and MinHash signature of a body, from one pass over its matching form."""
    tokens = _tokens(body)
    return Fingerprint(_hash(tokens), _signature(_shingles(tokens, SHINGLE_SIZE)))


def content_hash(body: str) -> str:
    """The hash of the body's matching form: equal for copies that differ only in spelling noise."""
    return _hash(_tokens(body))


def shingles(body: str, size: int = SHINGLE_SIZE) -> set[str]:
    """The word shingles of the body's matching form (the whole text when it is shorter)."""
    return _shingles(_tokens(body), size)


def minhash_signature(body: str, size: int = SHINGLE_SIZE) -> np.ndarray:
    """The MinHash signature (NUM_PERM values under 2^32) of the body's shingles.

    Each shingle is hashed to 32 bits (CRC-32) and put through NUM_PERM random multiply-shift maps
    (odd 64-bit multiplier, top 32 bits of the wrapped result), a universal family that needs no
    modulo; the signature keeps each map's minimum. An empty text has the all-max signature,
    which matches nothing but another empty text.
    """
    return _signature(_shingles(_tokens(body), size))


def signature_bytes(signature: np.ndarray) -> bytes:
    """A signature as 512 bytes, for storage."""
    return signature.astype("<u4").tobytes()


def signature_from_bytes(data: bytes) -> np.ndarray:
    """The signature stored by `signature_bytes`."""
    return np.frombuffer(data, dtype="<u4").astype(np.uint64)


def estimated_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """The Jaccard similarity of two texts' shingle sets, estimated from their signatures."""
    return float(np.count_nonzero(a == b)) / len(a)


# splitmix64's multiplier and golden-ratio increment: a fast, well-mixed 64-bit hash of a band.
_MIX = np.uint64(0xBF58476D1CE4E5B9)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_BAND_SEEDS = np.arange(1, BANDS + 1, dtype=np.uint64) * _GOLDEN


def band_matrix(signatures: np.ndarray) -> np.ndarray:
    """The LSH keys of many signatures at once: an (n, BANDS) array of 64-bit band hashes.

    Texts sharing any key are candidate near-duplicates. The band number is mixed in, so equal
    rows in different bands never share a key. Vectorized: 100,000 stored signatures take
    a fraction of a second, where a cryptographic hash per band would take seconds.
    """
    rows = np.asarray(signatures, dtype=np.uint64).reshape(-1, BANDS, ROWS)
    # Wrapping multiplication is the point; numpy never checks integer arrays for overflow.
    keys = _BAND_SEEDS  # broadcast against each signature's bands by the first step
    for r in range(ROWS):
        keys = (keys ^ rows[:, :, r]) * _MIX
        keys = keys ^ (keys >> np.uint64(31))
    return keys


def band_keys(signature: np.ndarray) -> list[int]:
    """The LSH keys of one signature (`band_matrix` of a single row)."""
    return band_matrix(signature[None, :])[0].tolist()


def hash_key(digest: str) -> int:
    """The content hash as one more 64-bit key: exact copies share it whatever their bands."""
    return int(digest[:16], 16) ^ 0x5BD1E9955BD1E995


def story_id_for(first_url: str) -> str:
    """The story id of a story whose first stored article is `first_url`."""
    return hashlib.blake2b(first_url.encode(), digest_size=12).hexdigest()
