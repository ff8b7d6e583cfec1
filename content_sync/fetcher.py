"""The terminal's HTTP fetcher for python-tuf: deadlines, retries, a bandwidth cap, byte counts.

python-tuf checks lengths and hashes; this class decides how patiently to talk to the portal.
urllib3's timeouts apply to each socket operation, so a server that sends one byte a second
never trips them. Every bound here is therefore a wall-clock one, enforced by a watchdog thread
that shuts the socket down when it passes (the blocked read then returns at once):

- the status line and headers must arrive within `timeout` seconds of sending the request;
- a transfer (headers included) must average `min_bytes_per_second` once `timeout` seconds
  have passed, and no socket read may wait longer than `timeout`;
- one request may take at most `timeout + max_length / min_bytes_per_second` seconds in all,
  `max_length` being the most python-tuf accepts for that file;
- nothing may go past the sync's own deadline (`deadline_at`, a time.monotonic() value).

An error answer's body is never read: the connection is closed instead, so an endless 404 costs
nothing. A request that cannot connect or gets no answer in time is retried up to `retries`
attempts in all, with a short backoff; HTTP 5xx answers are retried too, 4xx are not (a 404 is
how a TUF repository says "no newer root"). Retries happen before the first byte of a body: a
transfer that breaks half-way fails the sync, and the next sync resumes from the targets already
verified and cached.
"""

from __future__ import annotations

import math
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO
from urllib.parse import urlsplit

import urllib3
from tuf.api import exceptions
from tuf.ngclient import FetcherInterface
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from . import faults

USER_AGENT = "disclosure-kiosk-sync/1"
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}
# The most python-tuf accepts when it does not say (it always does for metadata and targets).
_DEFAULT_MAX_LENGTH = 512_000


class PortalTooSlow(exceptions.SlowRetrievalError):
    """A request passed one of its wall-clock bounds (headers, average rate, whole request)."""


class SyncDeadlineExceeded(exceptions.SlowRetrievalError):
    """The sync as a whole passed its deadline while talking to the portal."""


class _Watchdog:
    """One thread per fetcher: shuts down the socket of the request in flight once the deadline
    it was armed with passes. `fired` tells the fetcher that an error came from the cut."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._conn: HTTPConnection | None = None
        self._deadline: float | None = None
        self._stopped = False
        self.fired = False
        self._thread = threading.Thread(target=self._run, name="portal-fetch-watchdog", daemon=True)
        self._thread.start()

    def attach(self, conn: HTTPConnection) -> None:
        with self._cond:
            self._conn = conn

    def arm(self, deadline: float) -> None:
        with self._cond:
            self._deadline = deadline
            self.fired = False
            self._cond.notify()

    def disarm(self) -> None:
        with self._cond:
            self._deadline = None
            self._conn = None
            self._cond.notify()

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        with self._cond:
            while not self._stopped:
                if self._deadline is None:
                    self._cond.wait()
                    continue
                remaining = self._deadline - time.monotonic()
                if remaining > 0:
                    self._cond.wait(remaining)
                    continue
                self._deadline = None
                self.fired = True
                _cut(self._conn)


def _cut(conn: HTTPConnection | None) -> None:
    """Make a blocked read on `conn` return now (works for plain and TLS sockets)."""
    sock = getattr(conn, "sock", None)
    if isinstance(sock, socket.socket):
        try:
            socket.socket.shutdown(sock, socket.SHUT_RDWR)
        except OSError:
            pass
    elif sock is not None:  # TLS inside a proxy tunnel: urllib3's SSLTransport wraps the socket
        inner = getattr(sock, "socket", None)
        if isinstance(inner, socket.socket):
            try:
                socket.socket.shutdown(inner, socket.SHUT_RDWR)
            except OSError:
                pass


_current = threading.local()  # the watchdog of the fetcher making a request in this thread


class _WatchedHTTPConnection(HTTPConnection):
    def request(self, *args, **kwargs):  # noqa: D102 - urllib3's method, plus registration
        watchdog = getattr(_current, "watchdog", None)
        if watchdog is not None:
            watchdog.attach(self)
        return super().request(*args, **kwargs)


class _WatchedHTTPSConnection(HTTPSConnection):
    def request(self, *args, **kwargs):  # noqa: D102
        watchdog = getattr(_current, "watchdog", None)
        if watchdog is not None:
            watchdog.attach(self)
        return super().request(*args, **kwargs)


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_POOL_CLASSES = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


class PortalFetcher(FetcherInterface):
    """A FetcherInterface over urllib3 that counts the body bytes it receives."""

    def __init__(
        self,
        timeout: float = 30,
        retries: int = 3,
        max_bytes_per_second: int = 0,
        chunk_size: int = 64 * 1024,
        backoff: float = 0.2,
        deadline_at: float | None = None,
    ) -> None:
        self.timeout = float(timeout)
        self.retries = max(1, int(retries))
        self.max_bytes_per_second = max(0, int(max_bytes_per_second))
        self.chunk_size = chunk_size
        if self.max_bytes_per_second:
            self.chunk_size = max(1024, min(chunk_size, self.max_bytes_per_second // 4))
        self.backoff = backoff
        self.deadline_at = deadline_at if deadline_at is not None else math.inf
        # A portal that drips bytes just fast enough to dodge the read timeout is as bad as one
        # that hangs: after `timeout` seconds a transfer must average this rate (half the cap).
        self.min_bytes_per_second = min(1024, self.max_bytes_per_second // 2 or 1024)
        self.bytes_downloaded = 0
        self._started = time.monotonic()
        self._max_length = _DEFAULT_MAX_LENGTH
        self._open: set[urllib3.BaseHTTPResponse] = set()
        self._watchdog = _Watchdog()
        self._pool = self._watched(urllib3.PoolManager(**self._pool_options()))
        # Government networks often reach the portal through a proxy: honour the usual
        # http_proxy / https_proxy / no_proxy variables (loopback is never proxied).
        self._proxies = {k: v for k, v in urllib.request.getproxies_environment().items() if k in ("http", "https")}
        self._proxy_pools: dict[str, urllib3.ProxyManager] = {}

    def _pool_options(self) -> dict:
        return {
            "headers": {"User-Agent": USER_AGENT},
            "retries": False,
            "timeout": urllib3.Timeout(connect=self.timeout, read=self.timeout),
        }

    @staticmethod
    def _watched(manager):
        manager.pool_classes_by_scheme = dict(_POOL_CLASSES)
        return manager

    def _pool_for(self, url: str) -> urllib3.PoolManager:
        parts = urlsplit(url)
        proxy = self._proxies.get(parts.scheme)
        host = parts.hostname or ""
        if not proxy or host in _LOOPBACK or urllib.request.proxy_bypass_environment(host):
            return self._pool
        if proxy not in self._proxy_pools:
            self._proxy_pools[proxy] = self._watched(urllib3.ProxyManager(proxy, **self._pool_options()))
        return self._proxy_pools[proxy]

    @contextmanager
    def download_file(self, url: str, max_length: int) -> Iterator[IO]:
        """python-tuf's download, remembering how long the file may be for the request's bound."""
        self._max_length = max_length
        with super().download_file(url, max_length) as temp_file:
            yield temp_file

    def _check_sync_deadline(self, url: str) -> None:
        if time.monotonic() >= self.deadline_at:
            raise SyncDeadlineExceeded(f"the sync ran out of time before it could fetch {url}")

    def _timed_out(self, url: str, started: float, request_deadline: float, what: str) -> Exception:
        """The error for a request the watchdog cut (or that ran out of time some other way)."""
        if request_deadline >= self.deadline_at:
            return SyncDeadlineExceeded(f"the sync ran out of time while {what} {url}")
        return PortalTooSlow(f"{what} {url} took longer than {request_deadline - started:.0f} s")

    def _fetch(self, url: str) -> Iterator[bytes]:
        last: Exception | None = None
        for attempt in range(self.retries):
            if attempt:
                time.sleep(max(0.0, min(self.backoff * 2 ** (attempt - 1), 5.0, self.deadline_at - time.monotonic())))
            self._check_sync_deadline(url)
            started = time.monotonic()
            header_deadline = min(started + self.timeout, self.deadline_at)
            _current.watchdog = self._watchdog
            self._watchdog.arm(header_deadline)
            try:
                response = self._pool_for(url).request("GET", url, preload_content=False)
            except urllib3.exceptions.NewConnectionError as exc:  # refused, no route: not a timeout
                self._watchdog.disarm()
                last = exceptions.DownloadError(f"cannot reach {url}: {_reason(exc)}")
                continue
            except urllib3.exceptions.HTTPError as exc:
                fired = self._watchdog.fired
                self._watchdog.disarm()
                if fired:  # the watchdog cut a status line and headers that came too slowly
                    last = self._timed_out(url, started, header_deadline, "the answer's headers for")
                elif isinstance(exc, urllib3.exceptions.TimeoutError):
                    last = PortalTooSlow(f"no answer from {url} within {self.timeout:g} s")
                else:
                    last = exceptions.DownloadError(f"cannot reach {url}: {_reason(exc)}")
                if isinstance(last, SyncDeadlineExceeded):
                    raise last from exc
                last.__cause__ = exc
                continue
            finally:
                _current.watchdog = None
            if self._watchdog.fired:  # the headers came in just as the time ran out
                self._watchdog.disarm()
                response.close()
                last = self._timed_out(url, started, header_deadline, "the answer's headers for")
                if isinstance(last, SyncDeadlineExceeded):
                    raise last
                continue
            if response.status >= 400:
                # Never read an error's body (it may never end): drop the connection instead.
                self._watchdog.disarm()
                response.close()
                error = exceptions.DownloadHTTPError(f"HTTP {response.status} from {url}", response.status)
                if response.status >= 500:
                    last = error
                    continue
                raise error
            longest = self.timeout + self._max_length / self.min_bytes_per_second
            request_deadline = min(started + longest, self.deadline_at)
            self._watchdog.arm(request_deadline)
            self._open.add(response)
            return self._chunks(response, url, started, request_deadline)
        assert last is not None
        raise last

    def _chunks(
        self, response: urllib3.BaseHTTPResponse, url: str, started: float, request_deadline: float
    ) -> Iterator[bytes]:
        complete = False
        received = 0
        try:
            try:
                while data := response.read1(self.chunk_size):
                    self.bytes_downloaded += len(data)
                    received += len(data)
                    faults.point("fetch:chunk")
                    self._throttle()
                    elapsed = time.monotonic() - started
                    if elapsed > self.timeout and received / elapsed < self.min_bytes_per_second:
                        raise PortalTooSlow(
                            f"{url} arrives at {received / elapsed:.0f} bytes/s, slower than the"
                            f" {self.min_bytes_per_second} bytes/s a transfer must keep up"
                        )
                    if self._watchdog.fired:
                        break
                    yield data
            except (urllib3.exceptions.HTTPError, OSError) as exc:
                if self._watchdog.fired:
                    raise self._timed_out(url, started, request_deadline, "downloading") from exc
                if isinstance(exc, urllib3.exceptions.TimeoutError):
                    raise PortalTooSlow(f"{url} stopped sending for {self.timeout:g} s") from exc
                raise exceptions.DownloadError(f"transfer of {url} broke off: {_reason(exc)}") from exc
            if self._watchdog.fired:
                raise self._timed_out(url, started, request_deadline, "downloading")
            complete = True
        finally:
            self._watchdog.disarm()
            self._open.discard(response)
            if complete:
                response.release_conn()
            else:  # abandoned half-way (too long, bad hash, timeout): never reuse the connection
                response.close()

    def close(self) -> None:
        """Close every connection, including responses python-tuf abandoned half-read."""
        for response in list(self._open):
            response.close()
        self._open.clear()
        self._pool.clear()
        for pool in self._proxy_pools.values():
            pool.clear()
        self._watchdog.stop()

    def _throttle(self) -> None:
        """Sleep as long as needed to keep the average rate under the cap."""
        if not self.max_bytes_per_second:
            return
        due = self.bytes_downloaded / self.max_bytes_per_second
        elapsed = time.monotonic() - self._started
        if due > elapsed:
            time.sleep(min(due - elapsed, max(0.0, self.deadline_at - time.monotonic())))


def _reason(exc: Exception) -> str:
    reason = getattr(exc, "reason", None)
    return str(reason or exc)
