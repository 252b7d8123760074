"""PoliteClient: retries with backoff on 429/5xx honouring Retry-After, timeouts, rate limit."""

from __future__ import annotations

import email.utils
import time

import pytest
import requests
import requests_mock as rm

from cgt_atlas.errors import SourceHttpError, SourceUnreachable
from cgt_atlas.http import PoliteClient
from cgt_atlas.settings import USER_AGENT

URL = "https://clinicaltrials.gov/api/v2/studies"


class FakeTime:
    """A clock that only moves when the client sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 3))
        self.now += seconds

    def clock(self) -> float:
        return self.now


def client(fake: FakeTime, **kwargs) -> PoliteClient:
    return PoliteClient(min_interval=0, sleep=fake.sleep, clock=fake.clock, **kwargs)


def test_429_waits_as_long_as_retry_after_asks() -> None:
    fake = FakeTime()
    with rm.Mocker() as mock:
        mock.get(URL, [{"status_code": 429, "headers": {"Retry-After": "7"}}, {"json": {"studies": []}}])
        assert client(fake).get(URL).json() == {"studies": []}
    assert fake.sleeps == [7.0]


def test_503_with_an_http_date_retry_after() -> None:
    fake = FakeTime()
    later = email.utils.formatdate(time.time() + 30, usegmt=True)
    with rm.Mocker() as mock:
        mock.get(URL, [{"status_code": 503, "headers": {"Retry-After": later}}, {"text": "{}"}])
        client(fake).get(URL)
    assert 25 <= fake.sleeps[0] <= 31


def test_5xx_without_retry_after_backs_off_exponentially_then_gives_up() -> None:
    fake = FakeTime()
    with rm.Mocker() as mock:
        mock.get(URL, status_code=502, text="bad gateway")
        with pytest.raises(SourceHttpError, match="HTTP 502"):
            client(fake, max_attempts=4).get(URL)
        assert mock.call_count == 4
    assert fake.sleeps == [1.0, 2.0, 4.0]


def test_client_errors_are_not_retried() -> None:
    fake = FakeTime()
    with rm.Mocker() as mock:
        mock.get(URL, status_code=400, text='{"message": "bad query.intr"}')
        with pytest.raises(SourceHttpError, match="HTTP 400"):
            client(fake).get(URL)
        assert mock.call_count == 1


def test_unreachable_host_fails_fast_naming_the_host() -> None:
    fake = FakeTime()
    with rm.Mocker() as mock:
        mock.get(URL, exc=requests.ConnectionError("Name or service not known"))
        with pytest.raises(SourceUnreachable, match="clinicaltrials.gov") as error:
            client(fake).get(URL)
        assert mock.call_count == 3
    assert "warehouse is unchanged" in str(error.value)


def test_read_timeouts_are_retried_then_reported() -> None:
    fake = FakeTime()
    with rm.Mocker() as mock:
        mock.get(URL, [{"exc": requests.ReadTimeout}, {"exc": requests.ReadTimeout}, {"text": "{}"}])
        client(fake).get(URL)
        assert mock.call_count == 3
        assert mock.last_request.timeout == (5.0, 60.0)


def test_requests_are_spaced_and_identify_the_project() -> None:
    fake = FakeTime()
    polite = PoliteClient(min_interval=1.0, sleep=fake.sleep, clock=fake.clock)
    with rm.Mocker() as mock:
        mock.get(URL, text="{}")
        polite.get(URL)
        polite.get(URL)
        assert mock.last_request.headers["User-Agent"] == USER_AGENT
    assert fake.sleeps == [1.0]
    assert "cgt-atlas" in USER_AGENT


SEARCH = "https://euclinicaltrials.eu/ctis-public-api/search"


def test_post_sends_json_and_honours_retry_after_on_429() -> None:
    fake = FakeTime()
    body = {"pagination": {"page": 1, "size": 100}}
    with rm.Mocker() as mock:
        mock.post(SEARCH, [{"status_code": 429, "headers": {"Retry-After": "3"}}, {"json": {"data": []}}])
        assert client(fake).post(SEARCH, json=body).json() == {"data": []}
        assert mock.call_count == 2
        assert [r.json() for r in mock.request_history] == [body, body]
        assert mock.last_request.headers["User-Agent"] == USER_AGENT
    assert fake.sleeps == [3.0]


def test_post_is_spaced_like_get_and_fails_like_get() -> None:
    fake = FakeTime()
    polite = PoliteClient(min_interval=1.0, sleep=fake.sleep, clock=fake.clock)
    with rm.Mocker() as mock:
        mock.get(URL, text="{}")
        mock.post(SEARCH, status_code=400, text="bad criteria")
        polite.get(URL)
        with pytest.raises(SourceHttpError, match="HTTP 400"):
            polite.post(SEARCH, json={})
        assert mock.call_count == 2
    assert fake.sleeps == [1.0]


@pytest.mark.parametrize(
    ("body", "expect", "kind"),
    [
        (b"", "json", "empty"),
        (b" \r\n", "html", "empty"),
        (b"\xef\xbb\xbf<!DOCTYPE html><html>Proxy</html>", "json", "html"),
        (b"<html><body>maintenance</body></html>", "text", "html"),
        (b"<html>x</html>", "zip", "html"),
        (b'{"studies": [', "json", "json"),
        (b"Applicant,BLA Number", "zip", "zip"),
        (b"<html><body>the page</body></html>", "html", None),
        (b'{"studies": []}', "json", None),
        (b"Applicant,BLA Number\n", "text", None),
        (b"PK\x03\x04", "zip", None),
    ],
)
def test_body_damage_names_what_a_200_holds_instead(body: bytes, expect: str, kind: str | None) -> None:
    from cgt_atlas.http import body_damage

    found = body_damage(body, expect)  # type: ignore[arg-type]
    assert (found[0] if found else None) == kind


def test_a_kept_status_is_returned_with_its_body() -> None:
    fake = FakeTime()
    with rm.Mocker() as mock:
        mock.get(URL, status_code=404, text="<html>Page Not Found</html>")
        response = client(fake).get(URL, expect="html", keep_statuses=frozenset({404}))
    assert (response.status_code, response.text, mock.call_count) == (404, "<html>Page Not Found</html>", 1)
