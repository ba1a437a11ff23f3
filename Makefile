# The single entry point. `make up` / `make down` run the stack, `make test` runs every test.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install up down kafka-groups test test-unit lint format bench bench-report bench-adversarial bench-languages profile bench-classifier train-offline train-head train-multilingual train-tone migrate-perspective export-labels calibrate-model eval-languages eval-offline clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[classifier,dev]'
	touch $(STAMP)

install: $(STAMP)  ## venv + Python packages, Kafka jars (Maven Central), redis-server (Debian)
	$(PY) -m deploy.localstack install

up: install  ## Kafka, Redis and the seven services on 127.0.0.1; returns when all are ready
	$(PY) -m deploy.localstack up

down:  ## stop what `make up` started
	$(PY) -m deploy.localstack down

# Debian packages the tests drive: `command package` pairs (the browser, promtool/prometheus).
TEST_TOOLS := chromium:chromium promtool:prometheus prometheus:prometheus docker-compose:docker-compose jq:jq curl:curl

kafka-groups: install  ## lag per consumer group and partition (Kafka's own consumer-groups tool)
	$(PY) -m deploy.localstack kafka consumer-groups --describe --all-groups

test: install  ## unit, integration and e2e tests on a Kafka and Redis of their own
	@for pair in $(TEST_TOOLS); do cmd=$${pair%%:*}; pkg=$${pair##*:}; \
	  command -v $$cmd >/dev/null || { [ "$$(id -u)" = 0 ] && export DEBIAN_FRONTEND=noninteractive && { apt-get install -y -qq $$pkg || { apt-get update -qq && apt-get install -y -qq $$pkg; }; }; } || echo "the tests need Debian's $$pkg: apt-get install $$pkg"; \
	done
	$(PY) -m pytest tests -ra

test-unit: $(STAMP)
	$(PY) -m pytest tests/unit -q

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install  ## ingest throughput and ingest->decision latency; BASELINE=<commit>: A/B/A/B against it in one run; writes benchmarks/results/
	command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; } || true
ifeq ($(BASELINE),)
	$(PY) -m benchmarks.pipeline
else
	$(PY) -m benchmarks.ab --baseline $(BASELINE) -- benchmarks.pipeline --rates 100,30,10 --seconds 30 --warm-up 20 --skip-saturation --history 0
	$(PY) -m benchmarks.ab --baseline $(BASELINE) -- benchmarks.ingest --seconds 10 --rounds 1
endif

bench-ingest: install  ## ingest alone on one core: single posts (wrk) and batches of 500, rate and CPU-ms per post; writes benchmarks/results/
	command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; } || true
	$(PY) -m benchmarks.ingest --profile

bench-report: install  ## the community health report's build time and CPU for a community with 100,000 posts in the week; writes benchmarks/results/
	$(PY) -m benchmarks.health_report

bench-adversarial: install  ## CPU-ms per post of each process, 20,000- against 2,000-character adversarial posts; writes benchmarks/results/
	$(PY) -m benchmarks.adversarial

bench-languages: $(STAMP)  ## the classifier's CPU-ms per post: English before/after routing, other languages, long posts; writes benchmarks/results/
	$(PY) -m benchmarks.language_cost

profile: install  ## py-spy profile of each service under load (RATE posts/s); writes benchmarks/results/profiles/
	$(PY) -m benchmarks.profile --rate $(or $(RATE),60)

bench-classifier: install  ## naive Detoxify vs the batched service path on bert-base; writes benchmarks/results/
	$(PY) -m benchmarks.classifier

train-offline: $(STAMP)  ## fine-tune MiniLM's LoRA adapter for EPOCHS (2; about an hour here), then fit the head over it
	$(PY) -m training.finetune --epochs $(or $(EPOCHS),2)
	$(MAKE) train-head

train-head: $(STAMP)  ## refit only the offline model's head (n-grams + the adapted MiniLM), e.g. FEEDBACK=feedback.jsonl
	$(PY) -m training.train $(if $(FEEDBACK),--feedback $(FEEDBACK) --feedback-weight $(or $(FEEDBACK_WEIGHT),3))

train-tone: $(STAMP)  ## fit the multilingual models' tone heads (VADER's tone of English rows; minutes)
	$(PY) -m training.train_tone --encoder use
	$(PY) -m training.train_tone --encoder e5

train-multilingual: $(STAMP)  ## fit the multilingual models' heads (Universal Sentence Encoder, then e5; train.jsonl + phrasebook; about 20 minutes)
	$(PY) -m training.train_multilingual --encoder use
	$(PY) -m training.train_multilingual --encoder e5

migrate-perspective: $(STAMP)  ## fit, report and (PUBLISH=1) publish your Perspective score map from HISTORY=answers.csv|jsonl, against the running stack (PERSPECTIVE_KEY)
	$(PY) -m training.migrate_perspective --history $(HISTORY) --threshold $(or $(THRESHOLD),0.8) $(if $(PUBLISH),--publish)

export-labels: $(STAMP)  ## labeled examples (moderators' calls, Perspective suggestions) from Kafka as JSONL: LABELS=feedback.jsonl SINCE=90d
	$(PY) -m training.labels --out $(or $(LABELS),feedback.jsonl) --since $(or $(SINCE),36500d)

calibrate-model: $(STAMP)  ## per-label calibrations for MODEL (e.g. detoxify:original) into OUT, for CLASSIFIER_CALIBRATION_PATH
	$(PY) -m training.calibrate_model --model $(MODEL) --out $(or $(OUT),calibrations/model.json)

eval-languages: $(STAMP)  ## per language: detection, ROC-AUC per label, threats/insults/benign acted on, on our set and on the two fresh ones; writes benchmarks/results/
	$(PY) -m training.evaluate_languages
	$(PY) -m training.evaluate_languages --data benchmarks/data/multilingual_fresh.jsonl --out benchmarks/results/languages_fresh.json
	$(PY) -m training.evaluate_languages --data benchmarks/data/multilingual_fresh2.jsonl --out benchmarks/results/languages_fresh2.json

eval-offline: $(STAMP)  ## per-label ROC-AUC / PR-AUC on test.jsonl, per source
	$(PY) -m training.evaluate

clean:
	rm -rf .run .pytest_cache
