"""Russian (and English) words as the knowledge base's search reads them: folded (lower case,
ё → е), stop words dropped, reduced to their Snowball stems — the same at index and at query
time, so «отпуска», «отпуском» and «Отпуск» meet. PostgreSQL's 'russian' configuration does the
same on its side (its Snowball stemmer and stop list); SQLite indexes :func:`stems` of the text.
"""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_CYRILLIC = re.compile(r"[а-я]")
MAX_WORD = 60  # longer "words" (hashes, base64) are not words anyone searches for

# Words too common to tell articles apart (PostgreSQL's russian.stop drops the same kind).
_STOP = """
    а без более бы был была были было быть в вам вас весь во вот все всего всех вы где да даже
    для до его ее ей ему если есть еще же за здесь и из или им их к как ко когда кто ли либо мне
    может мы на надо наш не него нее нет ни них но ну о об однако он она они оно от очень по под
    при с со так также такой там те тем то того тоже той только том ты у уже хотя чего чей чем
    что чтобы чье чья эта эти это я мой моя мои меня мной нам нас вами себя себе свой своя свои
    какой какая какие который которая которые которое сам сама само уж ведь вон вдруг раз
    этот этого этой этом этим тот та тех тому куда зачем почему сейчас потом можно нельзя
    пожалуйста здравствуйте добрый день спасибо
    the a an and or of to in on for is are be with as at by it this that from not
"""
STOP_WORDS = frozenset(_STOP.split())


@lru_cache(maxsize=4)
def _stemmer(language: str) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer(language)


def fold(text: str) -> str:
    """Lower case with ё as е — how every word is compared."""
    return text.lower().replace("ё", "е")


def words(text: str) -> list[str]:
    """The folded words of ``text``, stop words and over-long tokens left out, in order."""
    return [w for w in _WORD.findall(fold(text)) if w not in STOP_WORDS and len(w) <= MAX_WORD]


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A folded word's stem (Russian for Cyrillic words, English for the rest)."""
    language = "russian" if _CYRILLIC.search(word) else "english"
    return str(_stemmer(language).stemWord(word))


def stems(text: str) -> list[str]:
    """The stems of :func:`words` of ``text``, in order (SQLite's indexed text)."""
    return [stem(w) for w in words(text)]


def query_stems(text: str, limit: int = 32) -> list[str]:
    """The distinct stems of a query, in order, at most ``limit``."""
    seen: dict[str, None] = {}
    for s in stems(text):
        seen.setdefault(s, None)
        if len(seen) >= limit:
            break
    return list(seen)


def trigrams(word: str) -> set[str]:
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def similarity(a: str, b: str) -> float:
    """pg_trgm's similarity: shared trigrams over all trigrams of either word."""
    ta, tb = trigrams(a), trigrams(b)
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0
