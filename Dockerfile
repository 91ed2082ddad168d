# akhbar crawler image: `scrapy crawl news` against the MongoDB named by MONGO_URI, or, without
# it, against the managed local store (FerretDB, built below) under /home/akhbar/.local/share.

# FerretDB v1.24.2 from its module source, as `make ferretdb` builds it (a plain `go install`
# binary panics at start: its version file comes from FerretDB's own build tooling).
FROM golang:1.24-bookworm AS ferretdb
ARG FERRETDB_VERSION=v1.24.2
RUN src=$(go mod download -json github.com/FerretDB/FerretDB@${FERRETDB_VERSION} \
        | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p') \
    && cp -r "$src" /ferretdb && chmod -R u+w /ferretdb \
    && echo ${FERRETDB_VERSION} > /ferretdb/build/version/version.txt \
    && cd /ferretdb && CGO_ENABLED=0 go build -trimpath -o /usr/local/bin/ferretdb ./cmd/ferretdb

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    SCRAPY_SETTINGS_MODULE=crawler.settings

# Debian's Chromium renders the pages that are built by JavaScript (scrapy-playwright).
RUN apt-get update \
    && apt-get install -y --no-install-recommends chromium \
    && rm -rf /var/lib/apt/lists/*
COPY --from=ferretdb /usr/local/bin/ferretdb /usr/local/bin/ferretdb

WORKDIR /app
COPY pyproject.toml README.md scrapy.cfg ./
COPY crawler ./crawler
COPY pipelines ./pipelines
RUN pip install . \
    && useradd --create-home --uid 10001 akhbar
USER akhbar

# Batches MongoDB refuses are kept here (see MONGO_UNSAVED_DIR); mount a volume to keep them.
ENV MONGO_UNSAVED_DIR=/home/akhbar/unsaved
CMD ["scrapy", "crawl", "news"]
