#!/usr/bin/env bash
# Sets up everything the assistant needs, from the package registries alone.
# Idempotent: with nothing changed, a second run takes a few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
VENV=.venv
LOCK=requirements/lock.txt

version=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
case "$version" in
  3.10|3.11) ;;
  *) echo "setup: Python 3.10 or 3.11 is needed (found $version at $PYTHON)" >&2; exit 1 ;;
esac

if [ ! -x "$VENV/bin/python" ]; then
  echo "setup: creating $VENV with Python $version"
  "$PYTHON" -m venv "$VENV"
fi

stamp="$VENV/.installed-$(cat "$LOCK" pyproject.toml | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "setup: installing the pinned lock (a few minutes on a fresh machine)"
  "$VENV/bin/pip" install --quiet --no-deps --ignore-requires-python --only-binary=:all: \
    --no-binary=docopt,mattermostwrapper,randomname,multidict -r "$LOCK"
  "$VENV/bin/pip" install --quiet --no-deps --no-build-isolation -e .
  rm -f "$VENV"/.installed-*
  touch "$stamp"
fi

# Front-end packages the widget's tests use (axe-core),
# pinned by package-lock.json; no browser is downloaded.
npm_stamp="node_modules/.installed-$(sha256sum package-lock.json | cut -c1-16)"
if [ ! -f "$npm_stamp" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "setup: npm (Node.js 18 or newer) is needed for the web widget" >&2
    exit 1
  fi
  echo "setup: installing the widget's npm packages"
  npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
  touch "$npm_stamp"
fi

# The offline spaCy pipeline (blank English + lookup lemmatizer); skipped when current.
TF_CPP_MIN_LOG_LEVEL=3 "$VENV/bin/python" -m bot build-spacy
# The impact suggester for feedback; retrained only when its data changed.
TF_CPP_MIN_LOG_LEVEL=3 "$VENV/bin/python" -m bot build-impact
# Find-support's need classifier; retrained only when its data changed.
TF_CPP_MIN_LOG_LEVEL=3 "$VENV/bin/python" -m bot build-needs
# The safety net's risk model; retrained only when its corpus or settings changed.
TF_CPP_MIN_LOG_LEVEL=3 "$VENV/bin/python" -m bot build-risk
mkdir -p var models
echo "setup: ready"
