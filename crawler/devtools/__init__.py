"""For trying and testing akhbar: the demo, the bundled sample sites and their local server."""
