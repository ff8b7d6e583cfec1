"""The terminal's side of the signed nightly sync: its commands (cli.py). The sync itself is
content_sync.sync; the panel's sync page is in kiosk/admin/views.py."""
