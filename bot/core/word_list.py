"""Common English words, so that spelling tolerance never "corrects" a real word.

Made once at setup from spaCy's own word-frequency table (``spacy-lookups-data``,
already in the lock): every word more frequent than ``MIN_LOG_PROBABILITY``. The
full table takes seconds to load; the saved list loads in milliseconds, so the
action server starts quickly and reads nothing outside the project at run time.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from bot.core.spacy_pipeline import pipeline_dir

# About 32,000 lower-case words. Real words such as "benefits" are above it;
# typos such as "anxeity", "hlep" or "benifits" fall below.
MIN_LOG_PROBABILITY = -15.0
WORD_LIST_NAME = "common_words.txt"


def word_list_path() -> Path:
    return pipeline_dir().parent / WORD_LIST_NAME


def ensure_word_list(path: Path | None = None) -> Path:
    """Write the list unless it is already there (it depends on nothing we edit)."""
    path = path or word_list_path()
    if path.exists():
        return path
    import spacy_lookups_data
    import srsly

    # The package's own file, read by name: spaCy's Table keeps only hashed keys.
    source = Path(spacy_lookups_data.__file__).parent / "data" / "en_lexeme_prob.json.gz"
    table = srsly.read_gzip_json(source)
    words = sorted(
        word
        for word, log_probability in table.items()
        if log_probability > MIN_LOG_PROBABILITY and word.isalpha() and word.islower()
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_text("\n".join(words) + "\n", encoding="utf-8")
    partial.replace(path)
    return path


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    return frozenset(ensure_word_list().read_text(encoding="utf-8").split())
