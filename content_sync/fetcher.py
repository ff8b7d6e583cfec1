"""The terminal's HTTP fetcher for python-tuf: timeouts, retries, a bandwidth cap, byte counts.

python-tuf checks lengths and hashes; this class decides how patiently to talk to the portal.
A request that cannot connect or gets no answer within `timeout` seconds is retried up to
`retries` attempts in all, with a short backoff; HTTP 5xx answers are retried too, 4xx are not
(a 404 is how a TUF repository says "no newer root"). A transfer slower than 1 kB/s on average
after `timeout` seconds is abandoned (slow-retrieval defence). Retries happen before the first byte of a
body: a transfer that breaks half-way fails the sync, and the next sync resumes from the
targets already verified and cached.
"""

from __future__ import annotations

import time
import urllib.request
from collections.abc import Iterator
from urllib.parse import urlsplit

import urllib3
from tuf.api import exceptions
from tuf.ngclient import FetcherInterface

from . import faults

USER_AGENT = "disclosure-kiosk-sync/1"
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class PortalFetcher(FetcherInterface):
    """A FetcherInterface over urllib3 that counts the body bytes it receives."""

    def __init__(
        self,
        timeout: float = 30,
        retries: int = 3,
        max_bytes_per_second: int = 0,
        chunk_size: int = 64 * 1024,
        backoff: float = 0.2,
    ) -> None:
        self.timeout = float(timeout)
        self.retries = max(1, int(retries))
        self.max_bytes_per_second = max(0, int(max_bytes_per_second))
        self.chunk_size = chunk_size
        if self.max_bytes_per_second:
            self.chunk_size = max(1024, min(chunk_size, self.max_bytes_per_second // 4))
        self.backoff = backoff
        # A portal that drips bytes just fast enough to dodge the read timeout is as bad as one
        # that hangs: after `timeout` seconds a transfer must average this rate (half the cap).
        self.min_bytes_per_second = min(1024, self.max_bytes_per_second // 2 or 1024)
        self.bytes_downloaded = 0
        self._started = time.monotonic()
        self._open: set[urllib3.BaseHTTPResponse] = set()
        self._pool = urllib3.PoolManager(**self._pool_options())
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

    def _pool_for(self, url: str) -> urllib3.PoolManager:
        parts = urlsplit(url)
        proxy = self._proxies.get(parts.scheme)
        host = parts.hostname or ""
        if not proxy or host in _LOOPBACK or urllib.request.proxy_bypass_environment(host):
            return self._pool
        if proxy not in self._proxy_pools:
            self._proxy_pools[proxy] = urllib3.ProxyManager(proxy, **self._pool_options())
        return self._proxy_pools[proxy]

    def _fetch(self, url: str) -> Iterator[bytes]:
        last: Exception | None = None
        for attempt in range(self.retries):
            if attempt:
                time.sleep(min(self.backoff * 2 ** (attempt - 1), 5.0))
            try:
                response = self._pool_for(url).request("GET", url, preload_content=False)
            except urllib3.exceptions.NewConnectionError as exc:  # refused, no route: not a timeout
                last = exceptions.DownloadError(f"cannot reach {url}: {_reason(exc)}")
                continue
            except urllib3.exceptions.TimeoutError as exc:
                last = exceptions.SlowRetrievalError(f"no answer from {url} within {self.timeout:g} s")
                last.__cause__ = exc
                continue
            except urllib3.exceptions.HTTPError as exc:
                last = exceptions.DownloadError(f"cannot reach {url}: {_reason(exc)}")
                continue
            if response.status >= 500:
                response.drain_conn()
                response.release_conn()
                last = exceptions.DownloadHTTPError(f"HTTP {response.status} from {url}", response.status)
                continue
            if response.status >= 400:
                response.drain_conn()
                response.release_conn()
                raise exceptions.DownloadHTTPError(f"HTTP {response.status} from {url}", response.status)
            self._open.add(response)
            return self._chunks(response, url)
        assert last is not None
        raise last

    def _chunks(self, response: urllib3.BaseHTTPResponse, url: str) -> Iterator[bytes]:
        complete = False
        started = time.monotonic()
        received = 0
        try:
            while data := response.read1(self.chunk_size):
                self.bytes_downloaded += len(data)
                received += len(data)
                faults.point("fetch:chunk")
                self._throttle()
                elapsed = time.monotonic() - started
                if elapsed > self.timeout and received / elapsed < self.min_bytes_per_second:
                    raise exceptions.SlowRetrievalError(
                        f"{url} arrives at {received / elapsed:.0f} bytes/s, slower than the"
                        f" {self.min_bytes_per_second} bytes/s a transfer must keep up"
                    )
                yield data
            complete = True
        except urllib3.exceptions.TimeoutError as exc:
            raise exceptions.SlowRetrievalError(f"{url} stopped sending for {self.timeout:g} s") from exc
        except urllib3.exceptions.HTTPError as exc:
            raise exceptions.DownloadError(f"transfer of {url} broke off: {_reason(exc)}") from exc
        finally:
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

    def _throttle(self) -> None:
        """Sleep as long as needed to keep the average rate under the cap."""
        if not self.max_bytes_per_second:
            return
        due = self.bytes_downloaded / self.max_bytes_per_second
        elapsed = time.monotonic() - self._started
        if due > elapsed:
            time.sleep(due - elapsed)


def _reason(exc: Exception) -> str:
    reason = getattr(exc, "reason", None)
    return str(reason or exc)
