"""Arabic text rules, as pure functions: normal forms, boilerplate lines, titles, bylines, dates,
language, topic and keywords, dedupe fingerprints. No I/O, no Scrapy, no database."""
