"""Moving content from the county portal to the terminal: schema, sources, publish, sync, releases.

This package never imports `kiosk`.
"""

__version__ = "0.1.0"
