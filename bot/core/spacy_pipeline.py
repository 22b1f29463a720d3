"""Builds the project's own English spaCy pipeline.

No pretrained spaCy model can be downloaded on these machines, so the pipeline is
made at setup from a blank English model plus a lookup lemmatizer whose tables
come from ``spacy-lookups-data`` (a registry package). The saved folder loads
without that package, and Rasa's ``SpacyNLP`` points at it by path.
"""

from __future__ import annotations

from pathlib import Path

import spacy
from spacy.language import Language

from bot import project_path, settings

DEFAULT_PIPELINE_DIR = Path(".spacy") / "en_youth"
PIPELINE_VERSION = "1"  # bump when the build below changes, so models retrain


def pipeline_dir() -> Path:
    """Where the pipeline lives; ``SPACY_PIPELINE_DIR`` overrides the default."""
    return project_path(settings.get("SPACY_PIPELINE_DIR"))


def build_pipeline() -> Language:
    """A blank English pipeline with a lookup lemmatizer, ready to save."""
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    nlp.meta["name"] = "youth"
    nlp.meta["version"] = f"0.0.{PIPELINE_VERSION}"
    nlp.meta["description"] = "Blank English + lookup lemmatizer, built offline at setup."
    return nlp


def ensure_pipeline(path: Path | None = None) -> Path:
    """Build and save the pipeline unless the same version is already on disk."""
    path = project_path(path) if path else pipeline_dir()
    marker = path / "meta.json"
    if marker.exists():
        try:
            if spacy.util.load_meta(marker).get("version") == f"0.0.{PIPELINE_VERSION}":
                return path
        except ValueError:
            pass
    path.parent.mkdir(parents=True, exist_ok=True)
    build_pipeline().to_disk(path)
    return path


def load_pipeline(path: Path | None = None) -> Language:
    """Load the saved pipeline, building it first if it is missing."""
    return spacy.load(ensure_pipeline(path))
