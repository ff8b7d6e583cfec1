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
# urllib3 reads a pool's connection class and a pool manager's pool classes (content_sync/fetcher.py)
_.ConnectionCls
_.pool_classes_by_scheme
# sqlite3, pyserial, openpyxl, jieba attributes set for the library to read
_.row_factory
_.write_timeout
_.freeze_panes
# openpyxl cell, sheet and data-validation settings read when the workbook is saved
# (content_sync/workbook_writer.py, content_sync/problem_report.py)
_.fill
_.hyperlink
_.alignment
_.comment
_.data_type
_.number_format
_.orientation
_.paperSize
_.print_title_rows
_.errorTitle
_.promptTitle
_.showErrorMessage
_.showInputMessage
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
# Lexicon data checks read by tests/test_lexicon.py
_.read_shared_terms
# applications: fields and properties read by the templates, openpyxl cell attributes, row fields
_.keyboard  # kiosk/applications/forms.py Field, chooses the on-screen keyboard in the template
_.explanation  # kiosk/applications/service.py Tracking, shown by applications/track.html
_.number_format
_.alignment
_.last_error  # kiosk/applications/outbox.py Item, a column of the outbox
# whoosh calls a matcher's protocol methods, a query's _matcher, a file's subset and a storage's
# open_file; BM25FScorer.score reads dfl (kiosk/search/matchers.py, kiosk/search/mapped.py)
_.reset
_.supports
_.supports_block_quality
_.max_quality
_.block_quality
_.skip_to_quality
_.JOINT
_._matcher
_.dfl
_.subset
_.open_file
_.is_real
_.is_closed
