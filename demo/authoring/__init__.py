"""Authoring sources of the sample county's service guides; `build_guides` writes guides.jsonl."""
