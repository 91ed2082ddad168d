# akhbar crawler image: `scrapy crawl news` against the MongoDB named by MONGO_URI.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    SCRAPY_SETTINGS_MODULE=crawler.settings

# Debian's Chromium renders the pages that are built by JavaScript (scrapy-playwright).
RUN apt-get update \
    && apt-get install -y --no-install-recommends chromium \
    && rm -rf /var/lib/apt/lists/*

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
