"""HTML -> article fields: structured metadata, site selectors, generic main text, dates."""
