# Two commands matter: `make run` starts the whole assistant, `make test` runs every test.
# Both set everything up first if needed (scripts/setup.sh is idempotent).

VENV := .venv
PY := $(VENV)/bin/python
TRAINING_DATA := data/nlu data/stories data/rules

export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: setup run run-scaled train shell test lint validate pytest bench clean

setup:
	@bash scripts/setup.sh

run: setup
	@$(PY) -m bot run

# Two Rasa servers and two action servers behind HAProxy, PostgreSQL and Redis
# (RASA_SERVERS / ACTION_SERVERS choose how many).
run-scaled: setup
	@command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy)
	@bash scripts/start-services.sh
	@RASA_SERVERS=$${RASA_SERVERS:-2} ACTION_SERVERS=$${ACTION_SERVERS:-2} $(PY) -m bot run

train: setup
	@$(PY) -m bot train

shell: setup
	@$(PY) -m bot shell

lint: setup
	$(VENV)/bin/ruff check bot actions tests bench

validate: setup
	$(PY) -m bot check-data

pytest: setup
	$(PY) -m pytest

test: lint validate pytest

bench: setup
	$(PY) bench/detector.py
	$(PY) bench/safety_eval.py
	$(PY) bench/impact_eval.py
	$(PY) bench/feedback_store.py
	$(PY) bench/staff_pages.py
	$(PY) bench/tracker_store.py
	$(PY) bench/startup.py --runs 1
	@echo "Load (about 30 minutes; starts its own servers): $(PY) bench/load.py"
	@echo "Soak (about 32 minutes at 10 messages/s; starts its own servers): $(PY) bench/soak.py"

clean:
	rm -rf models var .spacy .pytest_cache results
