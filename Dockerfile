# One image for every remon service; docker-compose.yml picks the command.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY worker ./worker
COPY storage ./storage
COPY tasks ./tasks
COPY remon ./remon
RUN pip install . && useradd --system --home /app remon && mkdir -p /data && chown remon /data
USER remon
ENV REMON_DATA_DIR=/data
CMD ["remon", "run"]
