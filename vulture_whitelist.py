"""Names vulture cannot see being used: called by a framework or library, read by a template or
by JSON serialisation (dataclasses.asdict). `make lint` runs vulture with this file."""

# ruff: noqa: F821, B018

# Jinja templates
_.has_previous  # kiosk/content.py Page, pagination
_.has_next
_.title_html  # kiosk/search/engine.py hits and suggestions
_.snippet_html
# Flask: attributes of g, response cookies
_.feedback_migrated
_.kiosk_request_started
_.max_age
# prometheus_client calls Collector.collect; tuf calls FetcherInterface._fetch
_.collect
_._fetch
# sqlite3, pyserial, openpyxl, jieba attributes set for the library to read
_.row_factory
_.write_timeout
_.freeze_panes
_.initialized
# http.server handler hooks and class settings (content_sync/repo_server.py)
_.protocol_version
_.disable_nagle_algorithm
_.log_message
_.copyfile
_.daemon_threads
# dataclass fields serialised whole (JSON of /healthz, `kiosk status`, publish results, index summary)
_.checked_at
_.content_updated_at
_.content_confirmed_at
_.stale_after_days
_.printer_detail
_.bytes_written
_.extra_words
# used by the tests and by county tooling (test fixtures, the catalog template writers)
_.read_status
_.write_catalog_csv
_.write_catalog_xlsx
_.bytes_sent
_.reset_counts
