"""The server's own SigV4 presigning (``blobs/presign.py``): AWS's published example
signs as AWS does, and the overrides of a GET's headers are part of what is signed."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

from runbase.blobs.presign import presigned_get, secret_from

# docs.aws.amazon.com, "Authenticating Requests: Using Query Parameters (AWS Signature
# Version 4)": GET examplebucket/test.txt, valid 86400 s from 2013-05-24T00:00:00Z.
SIGNED = (
    "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Credential="
    "AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
)
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
WHEN = dt.datetime(2013, 5, 24, tzinfo=dt.UTC)


def test_the_aws_example_signs_as_aws_documents() -> None:
    url = presigned_get(SIGNED, SECRET, None, {}, 86400, WHEN)
    assert url.endswith(
        "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
    )


def test_header_overrides_and_a_session_token_are_signed() -> None:
    overrides = {
        "response-content-type": "image/png",
        "response-content-disposition": 'inline; filename="a b.png"',
    }
    url = presigned_get(SIGNED, SECRET, "tok/en", overrides, 300, WHEN)
    query = parse_qs(urlsplit(url).query)
    assert query["response-content-disposition"] == ['inline; filename="a b.png"']
    assert query["X-Amz-Security-Token"] == ["tok/en"] and query["X-Amz-Expires"] == ["300"]
    plain = presigned_get(SIGNED, SECRET, "tok/en", {}, 300, WHEN)
    assert query["X-Amz-Signature"] != parse_qs(urlsplit(plain).query)["X-Amz-Signature"]


def test_the_secret_comes_from_the_options_else_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "from-env")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    assert secret_from({"secret_access_key": "opt", "token": "t"}) == ("opt", "t")
    assert secret_from({}) == ("from-env", None)
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    assert secret_from({}) is None  # an instance role: the server streams instead
