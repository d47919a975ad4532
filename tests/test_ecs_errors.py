"""AWS failures moto cannot produce (access denied, expired token, throttling, timeouts), from a
local stub that answers as ECS's JSON protocol does: an HTTP status, `x-amzn-ErrorType` and a
body with `__type`. boto3 is not patched: it parses and retries these answers itself.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from tests.conftest import REPO, run_cli

DENIED = (
    "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ecs:DescribeTaskDefinition on "
    "resource: * because no identity-based policy allows the ecs:DescribeTaskDefinition action"
)


class Stub(BaseHTTPRequestHandler):
    """Answers every call with `answer`: (status, __type, message), or sleeps `delay` seconds first."""

    answer: ClassVar[tuple[int, str, str]] = (400, "AccessDeniedException", DENIED)
    delay: ClassVar[float] = 0.0
    calls: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        Stub.calls.append(self.headers.get("X-Amz-Target", ""))
        if Stub.delay:
            time.sleep(Stub.delay)
        status, kind, message = Stub.answer
        body = json.dumps({"__type": kind, "message": message}).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/x-amz-json-1.1")
            self.send_header("x-amzn-ErrorType", f"{kind}:http://internal.amazon.com/coral/com.amazonaws.ecs/")
            self.send_header("x-amzn-RequestId", "00000000-0000-0000-0000-000000000000")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client timed out and left
            pass

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass


@pytest.fixture(scope="module")
def stub_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Stub)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def stub(stub_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[str]:
    import os

    for key in list(os.environ):
        if key.startswith("AWS_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-northeast-1")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.chdir(REPO)
    Stub.calls.clear()
    Stub.delay = 0.0
    yield stub_url
    Stub.delay = 0.0


def one_error_line(stub_url: str) -> str:
    code, out, err = run_cli(
        "ecs",
        "--family",
        "app",
        "--revision",
        "3",
        "--project-dir",
        "examples/myteacher-fixed",
        "--endpoint-url",
        stub_url,
    )
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2 and out == "" and "Traceback" not in err
    assert len(lines) == 1 and lines[0].startswith("envcheck: error: "), err
    return lines[0]


def test_access_denied_names_the_missing_permission(stub: str) -> None:
    Stub.answer = (400, "AccessDeniedException", DENIED)
    line = one_error_line(stub)
    assert "access denied" in line and "ecs:DescribeTaskDefinition" in line
    assert "arn:aws:iam::123456789012:user/ci" in line


def test_expired_token_says_to_refresh(stub: str) -> None:
    Stub.answer = (400, "ExpiredTokenException", "The security token included in the request is expired")
    line = one_error_line(stub)
    assert "expired" in line and "ExpiredTokenException" in line


def test_rejected_credentials(stub: str) -> None:
    Stub.answer = (400, "UnrecognizedClientException", "The security token included in the request is invalid.")
    assert "AWS rejected the credentials (UnrecognizedClientException)" in one_error_line(stub)


def test_throttling_is_retried_three_times_then_one_line(stub: str) -> None:
    Stub.answer = (400, "ThrottlingException", "Rate exceeded")
    line = one_error_line(stub)
    assert "throttled ecs:DescribeTaskDefinition (ThrottlingException) after 3 attempts" in line
    assert Stub.calls == ["AmazonEC2ContainerServiceV20141113.DescribeTaskDefinition"] * 3


def test_server_errors_are_retried_then_one_line(stub: str) -> None:
    Stub.answer = (500, "ServerException", "Service unavailable")
    assert "AWS failed on ecs:DescribeTaskDefinition (ServerException) after 3 attempts" in one_error_line(stub)
    assert len(Stub.calls) == 3


def test_read_timeout_is_one_line(stub: str) -> None:
    """The command's timeouts are 5 s and 20 s; the same code path runs here with short ones."""
    from envcheck.sources.ecs import AwsError, LiveEcs

    Stub.delay = 1.0
    live = LiveEcs(region="ap-northeast-1", endpoint_url=stub, connect_timeout=0.5, read_timeout=0.2)
    with pytest.raises(AwsError) as caught:
        live.task_definition("app:3")
    message = str(caught.value)
    assert "did not answer ecs:DescribeTaskDefinition in time (3 attempts)" in message and "\n" not in message


def test_connect_timeout_message() -> None:
    """A connect timeout needs an unroutable address: the mapping is checked on botocore's own exception."""
    from botocore.exceptions import ConnectTimeoutError

    from envcheck.sources.ecs import explain

    error = explain(ConnectTimeoutError(endpoint_url="https://ecs.ap-northeast-1.amazonaws.com/"), "ecs:X", "y")
    assert str(error).startswith("timed out connecting to https://ecs.ap-northeast-1.amazonaws.com/")


def test_autoscaling_denied_is_a_note_not_a_failure(stub: str) -> None:
    """With --service, a missing application-autoscaling permission only loses the maximum."""
    from envcheck.sources.ecs import LiveEcs

    Stub.answer = (400, "AccessDeniedException", "not authorized to perform: application-autoscaling:Describe")
    live = LiveEcs(region="ap-northeast-1", endpoint_url=stub)
    maximum, note = live._autoscaling_max("c", "s")
    assert maximum is None and note is not None and "DescribeScalableTargets" in note
