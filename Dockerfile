# Two images from one file, picked with `--target`:
#   service     ingest, escalation, gateway, desk, pulse and outreach (SERVICE picks which): no ML stack
#   classifier  the classifier, with torch, ONNX Runtime, OpenVINO and the offline model
FROM python:3.11-slim AS base
ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 HTTP_HOST=0.0.0.0 HOME=/home/moderation
# A home of its own: the classifier caches its ONNX/OpenVINO exports in ~/.cache/moderation.
RUN useradd --uid 10001 --create-home --home-dir /home/moderation moderation
WORKDIR /app
COPY pyproject.toml README.md ./
COPY services ./services
COPY deploy/policies ./deploy/policies

FROM base AS service
RUN pip install .
USER moderation
ARG SERVICE=gateway
ENV SERVICE=${SERVICE}
CMD ["sh", "-c", "exec python -m services.${SERVICE}"]

FROM base AS classifier
RUN pip install '.[classifier]'
USER moderation
ENV SERVICE=classifier
CMD ["python", "-m", "services.classifier"]
