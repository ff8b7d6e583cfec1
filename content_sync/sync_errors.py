"""Typed errors of publishing and syncing. Each carries a short `kind` recorded in sync_attempts
and an exit code for the CLI; the message says what happened in words an operator can act on."""

from __future__ import annotations

from .errors import ContentSyncError


class PublishError(ContentSyncError):
    """The publisher could not write a correct repository (keys, existing metadata)."""

    exit_code = 4


class SyncError(ContentSyncError):
    """A sync did not activate new content; the previous release stays active."""

    kind = "error"
    exit_code = 10


class SyncConfigError(SyncError):
    """The terminal is not set up to sync (no portal URL, no root metadata)."""

    kind = "config"
    exit_code = 2


class SyncBusy(SyncError):
    """Another sync holds the lock."""

    kind = "busy"
    exit_code = 11


class PortalUnreachable(SyncError):
    """The portal did not answer, answered with an error, or answered too slowly."""

    kind = "portal_unreachable"
    exit_code = 12


class PortalTooSlow(PortalUnreachable):
    """The portal answered, but too slowly: headers not complete in time, a transfer below the
    minimum rate, or one request longer than its bound (a dripping or endless answer)."""

    kind = "portal_too_slow"


class SyncTimedOut(SyncError):
    """The sync as a whole ran longer than SYNC_TIMEOUT_SECONDS and was stopped."""

    kind = "sync_timeout"
    exit_code = 18


class MetadataExpired(SyncError):
    """The portal's signed metadata has expired (a frozen or neglected portal)."""

    kind = "metadata_expired"
    exit_code = 13


class VerificationFailed(SyncError):
    """Something the portal sent does not verify against the county's keys and hashes."""

    kind = "verification_failed"
    exit_code = 14


class RollbackDetected(VerificationFailed):
    """The portal offered metadata older than what this terminal already trusts."""

    kind = "rollback"


class VersionMismatch(VerificationFailed):
    """A metadata file's version is not the one the signed metadata above it lists (higher or
    lower): a publish half-uploaded, or a host serving files of different publications."""

    kind = "version_mismatch"


class ContentInvalid(SyncError):
    """The content is correctly signed but breaks the schema or the bundle's rules."""

    kind = "content_invalid"
    exit_code = 15


class LocalError(SyncError):
    """The terminal itself failed (disk full, permissions)."""

    kind = "local_error"
    exit_code = 16


class NoPreviousRelease(ContentSyncError):
    """Rollback was asked for but there is no older release on disk."""

    exit_code = 17
