"""akhbar: crawl Arabic news sites into a clean, queryable MongoDB corpus."""
