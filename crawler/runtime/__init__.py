"""Scrapy plumbing of a crawl: the run's shared facts, the stored-URL skip, worker processes, the
lazy browser handler, distributed mode (an add-on) and the operators' extensions."""
