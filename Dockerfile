# One image for the four services; the compose file picks the service with SERVICE.
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 HTTP_HOST=0.0.0.0
WORKDIR /app
COPY pyproject.toml README.md ./
COPY services ./services
COPY deploy/policies ./deploy/policies
RUN pip install . && useradd --uid 10001 moderation
USER moderation
ARG SERVICE=gateway
ENV SERVICE=${SERVICE}
CMD ["sh", "-c", "exec python -m services.${SERVICE}"]
