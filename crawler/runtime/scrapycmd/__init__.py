"""Scrapy commands of the project (`COMMANDS_MODULE`): `crawl` with akhbar's exit codes."""
