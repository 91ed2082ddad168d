"""A page -> its fields: article or listing, structured metadata, site selectors, generic main
text, links, sitemaps and feeds, bot walls, canonical URLs."""
