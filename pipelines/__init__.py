"""Item pipelines, one stage per module: validate -> clean -> language -> topic -> dedupe -> mongo."""
