"""The version of the kiosk software (kiosk_build_info in /metrics)."""

__version__ = "0.1.0"
