"""Tests for briefing.mail against a real aiosmtpd server on loopback."""

from __future__ import annotations

import email
import email.policy
import hashlib
import json
import socket
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from briefing.errors import BriefingError
from briefing.mail import LIMIT, Envelope, compose, encoded_size, send, write_eml

SUMMARY = ["Prices rose 4% — mostly energy.", "Wages lag inflation in 2024."]
BRIEF = {"title": "Energy Prices", "subtitle": "Q3 outlook", "audience": "Cabinet Office",
         "marking": "OFFICIAL", "date": "2024-09-30", "summary": SUMMARY}
JUDGMENTS = [{"text": s, "likelihood": "", "band": "", "confidence": ""} for s in SUMMARY]


def _pdf_bytes() -> bytes:
    """Render a tiny real PDF, or fall back to a minimal hand-written one."""
    try:
        import weasyprint
        return weasyprint.HTML(string="<p>x</p>").write_pdf()
    except Exception:  # pragma: no cover - weasyprint missing or broken
        return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
                b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
                b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 72 72]>>endobj\n"
                b"trailer<</Root 1 0 R>>\n%%EOF\n")


@pytest.fixture(scope="module")
def pdf_data() -> bytes:
    return _pdf_bytes()


@pytest.fixture
def pdf(tmp_path, pdf_data) -> Path:
    path = tmp_path / "energy.pdf"
    path.write_bytes(pdf_data)
    (tmp_path / "energy.evidence.json").write_text(json.dumps(
        {"brief": BRIEF, "claims": [], "judgments": JUDGMENTS, "pdf_sha256": hashlib.sha256(pdf_data).hexdigest()}),
        encoding="utf-8")
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Collector:
    """aiosmtpd handler that keeps every envelope it receives."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"


def _start(request, **kwargs):
    handler = Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port(), **kwargs)
    controller.start()
    request.addfinalizer(controller.stop)
    return handler, controller.port


@pytest.fixture
def smtp(request):
    return _start(request)


@pytest.fixture
def smtp_auth(request):
    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login == b"analyst" and auth_data.password == b"s3cret")
        return AuthResult(success=ok, handled=False)  # handled=False: server sends 535
    return _start(request, auth_require_tls=False, authenticator=authenticator)


def _attachment_hash(msg) -> str:
    (part,) = [p for p in msg.iter_attachments()]
    assert part.get_content_type() == "application/pdf"
    assert part.get_filename() == "energy.pdf"
    return hashlib.sha256(part.get_content()).hexdigest()


def test_send_delivers_body_recipients_and_attachment(pdf, smtp):
    handler, port = smtp
    env = Envelope(to=("a@example.org", "Desk <b@example.org>"), cc=("c@example.org",))
    send(compose(pdf, env), host="127.0.0.1", port=port, timeout=10)

    (got,) = handler.envelopes
    assert sorted(got.rcpt_tos) == ["a@example.org", "b@example.org", "c@example.org"]
    assert got.mail_from == "briefing@localhost"
    msg = email.message_from_bytes(got.original_content, policy=email.policy.default)
    assert msg.get_content_type() == "multipart/mixed"
    assert msg["Subject"] == "[OFFICIAL] Energy Prices (2024-09-30)"
    assert msg["Cc"] == "c@example.org"
    assert msg["Date"] == "Mon, 30 Sep 2024 00:00:00 +0000"
    body = msg.get_body(("plain",))
    assert body.get_content_charset() == "utf-8"
    text = body.get_content()
    for needle in ["Energy Prices", "Cabinet Office", "2024-09-30", "OFFICIAL",
                   "energy.evidence.json", "re-check every quote", *SUMMARY]:
        assert needle in text
    assert f"- {SUMMARY[0]}" in text
    assert _attachment_hash(msg) == hashlib.sha256(pdf.read_bytes()).hexdigest()


def test_compose_is_deterministic_and_honours_overrides(pdf):
    env = Envelope(to=("a@example.org",), subject="Read me", sender="Desk <desk@gov.example>")
    one, two = compose(pdf, env), compose(pdf, env)
    assert one.as_bytes() == two.as_bytes()
    digest = hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert one["Message-ID"] == f"<{digest[:32]}@briefing.local>"
    assert one["Subject"] == "Read me"
    assert one["From"] == "Desk <desk@gov.example>"
    assert encoded_size(one) == len(one.as_bytes()) < LIMIT


def test_write_eml_round_trip(pdf, tmp_path):
    out = tmp_path / "out.eml"
    write_eml(compose(pdf, Envelope(to=("a@example.org",))), out)
    msg = email.message_from_bytes(out.read_bytes(), policy=email.policy.default)
    assert _attachment_hash(msg) == hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_write_eml_into_missing_dir(pdf, tmp_path):
    with pytest.raises(BriefingError, match="cannot write"):
        write_eml(compose(pdf, Envelope(to=("a@example.org",))), tmp_path / "no" / "x.eml")


def test_compose_without_manifest(pdf):
    pdf.with_name("energy.evidence.json").unlink()
    msg = compose(pdf, Envelope(to=("a@example.org",)))
    assert msg["Subject"] == "energy.pdf"
    text = msg.get_body(("plain",)).get_content()
    assert "See the attached brief." in text
    assert "re-check every quote" in text


def test_compose_empty_summary(pdf):
    brief = dict(BRIEF, summary=[])
    pdf.with_name("energy.evidence.json").write_text(json.dumps(
        {"brief": brief, "pdf_sha256": hashlib.sha256(pdf.read_bytes()).hexdigest()}))
    text = compose(pdf, Envelope(to=("a@example.org",))).get_body(("plain",)).get_content()
    assert "See the attached brief." in text


def test_judgments_carry_their_likelihood_and_confidence(pdf):
    judgments = [{"text": SUMMARY[0], "likelihood": "likely", "band": "55–80%", "confidence": "high"},
                 {"text": SUMMARY[1], "likelihood": "", "band": "", "confidence": "moderate"}]
    pdf.with_name("energy.evidence.json").write_text(json.dumps(
        {"brief": BRIEF, "judgments": judgments, "pdf_sha256": hashlib.sha256(pdf.read_bytes()).hexdigest()}))
    text = compose(pdf, Envelope(to=("a@example.org",))).get_body(("plain",)).get_content()
    assert ("Key judgments:\n  - Prices rose 4% — mostly energy. [Likely (55–80%); high confidence]\n"
            "  - Wages lag inflation in 2024. [moderate confidence]\n") in text


def test_prose_without_judgments_has_no_judgments_heading(pdf):
    prose = ["The partnership rests on arms and oil; both sides keep it discreet."]
    pdf.with_name("energy.evidence.json").write_text(json.dumps(
        {"brief": dict(BRIEF, summary=prose), "judgments": [], "pdf_sha256": hashlib.sha256(pdf.read_bytes()).hexdigest()}))
    text = compose(pdf, Envelope(to=("a@example.org",))).get_body(("plain",)).get_content()
    assert "Key judgments" not in text and f"\n{prose[0]}\n" in text


def test_malformed_manifest_names_file(pdf):
    pdf.with_name("energy.evidence.json").write_text("{not json")
    with pytest.raises(BriefingError, match=r"energy\.evidence\.json"):
        compose(pdf, Envelope(to=("a@example.org",)))


@pytest.mark.parametrize("addr", ["not-an-address", "a@", "@b.org", "a@b..org",
                                  "a@b.org, c@d.org", "a@b.org\nBcc: x@y.org"])
def test_bad_address(pdf, addr):
    with pytest.raises(BriefingError) as info:
        compose(pdf, Envelope(to=(addr,)))
    assert str(info.value).startswith(f"bad address {addr!r}: ")
    assert "\n" not in str(info.value)


def test_bad_cc_and_sender(pdf):
    with pytest.raises(BriefingError, match="bad address 'nope'"):
        compose(pdf, Envelope(to=("a@example.org",), cc=("nope",)))
    with pytest.raises(BriefingError, match="bad address 'me'"):
        compose(pdf, Envelope(to=("a@example.org",), sender="me"))


def test_missing_pdf(tmp_path):
    missing = tmp_path / "gone.pdf"
    with pytest.raises(BriefingError, match=f"cannot read PDF {missing}"):
        compose(missing, Envelope(to=("a@example.org",)))


def test_connection_refused(pdf):
    msg = compose(pdf, Envelope(to=("a@example.org",)))
    with socket.socket() as s:  # bound but not listening: connect is refused
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        with pytest.raises(BriefingError) as info:
            send(msg, host="127.0.0.1", port=port, timeout=5)
    assert str(info.value) == f"cannot send mail via 127.0.0.1:{port}: Connection refused"


def test_auth_login_works(pdf, smtp_auth):
    handler, port = smtp_auth
    send(compose(pdf, Envelope(to=("a@example.org",))), host="127.0.0.1", port=port,
         user="analyst", password="s3cret", timeout=10)
    assert [e.rcpt_tos for e in handler.envelopes] == [["a@example.org"]]


def test_auth_wrong_password(pdf, smtp_auth):
    handler, port = smtp_auth
    with pytest.raises(BriefingError) as info:
        send(compose(pdf, Envelope(to=("a@example.org",))), host="127.0.0.1", port=port,
             user="analyst", password="wrong", timeout=10)
    assert str(info.value).startswith(f"cannot send mail via 127.0.0.1:{port}: login refused")
    assert "wrong" not in str(info.value)
    assert handler.envelopes == []


def test_starttls_unsupported_is_one_line_error(pdf, smtp):
    _, port = smtp
    with pytest.raises(BriefingError, match=f"cannot send mail via 127.0.0.1:{port}: .*STARTTLS"):
        send(compose(pdf, Envelope(to=("a@example.org",))), host="127.0.0.1", port=port,
             starttls=True, timeout=10)


def test_cli_sends_the_built_brief_intact_with_its_key_judgments(built, smtp_auth, monkeypatch):
    from click.testing import CliRunner

    from briefing.cli import main

    brief, manifest, _ = built
    handler, port = smtp_auth
    monkeypatch.setenv("BRIEFING_SMTP_PASSWORD", "s3cret")
    result = CliRunner().invoke(main, ["mail", str(brief), "--to", "desk@example.org", "--smtp",
                                       f"127.0.0.1:{port}", "--user", "analyst"])
    assert result.exit_code == 0, result.output
    assert "s3cret" not in result.output
    (received,) = handler.envelopes
    msg = email.message_from_bytes(received.content, policy=email.policy.default)
    (part,) = list(msg.iter_attachments())
    assert hashlib.sha256(part.get_content()).hexdigest() == hashlib.sha256(brief.read_bytes()).hexdigest()
    assert msg["Subject"] == f"[OFFICIAL] {manifest['brief']['title']} (2026-11-22)"
    body = msg.get_body(("plain",)).get_content()
    assert all(point in body for point in manifest["brief"]["summary"])
    assert "very likely hold through the coming year: Baku kept it through the Gaza war despite pressure from " \
           "other Muslim-majority states. [Very likely (80–95%); moderate confidence]" in " ".join(body.split())


def test_cli_mail_needs_a_destination(built):
    from click.testing import CliRunner

    from briefing.cli import main

    result = CliRunner().invoke(main, ["mail", str(built[0]), "--to", "desk@example.org"])
    assert (result.exit_code, result.output) == (
        1, "error: say where the message goes: --eml PATH, --smtp HOST:PORT, or both\n")
