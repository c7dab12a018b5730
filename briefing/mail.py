"""Compose, save and send a rendered brief as an email with the PDF attached."""

from __future__ import annotations

import base64
import email.policy
import email.utils
import hashlib
import json
import os
import smtplib
import re
import ssl
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from email.message import EmailMessage
from pathlib import Path

from briefing.diff import belongs
from briefing.errors import BriefingError
from briefing.files import read_regular, write_atomic

LIMIT = 10 * 1024 * 1024
DEFAULT_SENDER = "briefing@localhost"
MSGID_DOMAIN = "briefing.local"


@dataclass(frozen=True)
class Envelope:
    """Recipients, subject and sender of one outgoing brief."""

    to: tuple[str, ...]
    cc: tuple[str, ...] = ()
    subject: str | None = None
    sender: str | None = None


@dataclass(frozen=True)
class _Brief:
    """The parts of an evidence manifest the email body needs."""

    title: str
    subtitle: str = ""
    audience: str = ""
    marking: str = ""
    date: str = ""
    summary: tuple[str, ...] = ()   # the key judgments' plain text, else the first paragraph of prose
    estimates: tuple[str, ...] = ()  # per judgment: "Likely (55–80%); moderate confidence", or ""


def _breaks(text: str) -> str | None:
    """Return the first control character or line break in text (a header must be one line), or None."""
    return next((c for c in text if unicodedata.category(c) in ("Cc", "Zl", "Zp")), None)


def _check_address(addr: str) -> str:
    """Return the address unchanged, or raise BriefingError if it is malformed."""
    if not isinstance(addr, str) or _breaks(addr):
        raise BriefingError(f"bad address {addr!r}: contains a line break or control character")
    if len(email.utils.getaddresses([addr])) != 1:
        raise BriefingError(f"bad address {addr!r}: expected exactly one address")
    local, at, domain = email.utils.parseaddr(addr)[1].rpartition("@")
    if not (local and at and domain) or " " in local + domain:
        raise BriefingError(f"bad address {addr!r}: expected name@domain")
    if domain.startswith(".") or domain.endswith(".") or ".." in domain:
        raise BriefingError(f"bad address {addr!r}: malformed domain {domain!r}")
    return addr


def _manifest_path(pdf: Path) -> Path:
    """Return the evidence manifest path that sits next to the PDF."""
    return pdf.with_name(pdf.stem + ".evidence.json")


def _load_brief(pdf: Path, pdf_data: bytes) -> _Brief:
    """Read the brief header from the manifest beside the PDF, refusing one written for another PDF;
    without a manifest, fall back to the file name."""
    path = _manifest_path(pdf)
    if not os.path.lexists(path):
        return _Brief(title=pdf.name)
    try:
        data = json.loads(read_regular(path, "evidence manifest").decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise BriefingError(f"cannot read evidence manifest {path}: {exc}") from None
    belongs(data, pdf_data, manifest_path=path, pdf_path=pdf)
    brief = data.get("brief") if isinstance(data, dict) else None
    if not isinstance(brief, dict):
        raise BriefingError(f"evidence manifest {path} has no 'brief' object")
    summary = brief.get("summary") or []
    if not isinstance(summary, list):
        raise BriefingError(f"evidence manifest {path}: 'summary' is not a list")
    fields = {k: str(brief.get(k) or "") for k in ("subtitle", "audience", "marking", "date")}
    judgments = data.get("judgments") or []
    if not isinstance(judgments, list) or not all(isinstance(j, dict) for j in judgments):
        raise BriefingError(f"evidence manifest {path}: 'judgments' is not a list of judgments")
    return _Brief(title=str(brief.get("title") or pdf.name), summary=tuple(str(s) for s in summary),
                  estimates=tuple(_estimate(j) for j in judgments), **fields)


def _estimate(judgment: dict) -> str:
    """Return a judgment's likelihood and confidence as the brief prints them: "Likely (55–80%); high confidence"."""
    likelihood, band, confidence = (str(judgment.get(k) or "") for k in ("likelihood", "band", "confidence"))
    parts = [f"{likelihood[:1].upper()}{likelihood[1:]}" + (f" ({band})" if band else "")] if likelihood else []
    return "; ".join(parts + ([f"{confidence} confidence"] if confidence else []))


def _default_subject(brief: _Brief) -> str:
    """Build the subject line "[MARKING] Title (date)" from the parts present."""
    parts = [f"[{brief.marking}]" if brief.marking else "", brief.title,
             f"({brief.date})" if brief.date else ""]
    return " ".join(p for p in parts if p)


def _body(brief: _Brief, pdf: Path) -> str:
    """Write the plain-text body summarising the brief."""
    lines = [brief.title, *([brief.subtitle] if brief.subtitle else []), ""]
    for label, value in (("Audience", brief.audience), ("Date", brief.date),
                         ("Marking", brief.marking)):
        if value:
            lines.append(f"{label}: {value}")
    lines.append("")
    if brief.estimates and len(brief.estimates) == len(brief.summary):
        lines.append("Key judgments:")
        for point, estimate in zip(brief.summary, brief.estimates):
            lines.append(f"  - {point}" + (f" [{estimate}]" if estimate else ""))
    elif brief.summary:   # no judgments: the summary is the analyst's prose, under no heading
        lines.extend(brief.summary)
    else:
        lines.append("See the attached brief.")
    lines += ["", f"Attached: {pdf.name}",
              f"The evidence manifest ({_manifest_path(pdf).name}) can re-check every quote."]
    return "\n".join(lines) + "\n"


def _date_header(brief: _Brief, pdf: Path) -> str:
    """Format the brief's date at 00:00 UTC, or the PDF's mtime if it has none."""
    try:
        day = datetime.strptime(brief.date, "%Y-%m-%d").replace(tzinfo=timezone.utc)
    except ValueError:
        day = datetime.fromtimestamp(int(pdf.stat().st_mtime), tz=timezone.utc)
    return email.utils.format_datetime(day)


def compose(pdf: Path, envelope: Envelope) -> EmailMessage:
    """Build a multipart/mixed message with a text summary and the PDF attached."""
    pdf = Path(pdf)
    data = read_regular(pdf, "PDF")   # a named pipe is refused, not waited on
    if not envelope.to:
        raise BriefingError("no recipients: give at least one 'to' address")
    for addr in (*envelope.to, *envelope.cc):
        _check_address(addr)
    sender = _check_address(envelope.sender or DEFAULT_SENDER)
    brief = _load_brief(pdf, data)
    # The title may hold any space a YAML string can (U+2028 too); a subject given is taken as it is.
    subject = envelope.subject if envelope.subject is not None else " ".join(_default_subject(brief).split())
    if bad := _breaks(subject):
        raise BriefingError(f"bad subject {subject!r}: contains U+{ord(bad):04X}, a line break or control "
                            f"character; a subject is one line")

    msg = EmailMessage(policy=email.policy.SMTP)
    msg["From"] = sender
    msg["To"] = ", ".join(envelope.to)
    if envelope.cc:
        msg["Cc"] = ", ".join(envelope.cc)
    msg["Subject"] = subject
    msg["Date"] = _date_header(brief, pdf)
    digest = hashlib.sha256(data).hexdigest()
    msg["Message-ID"] = f"<{digest[:32]}@{MSGID_DOMAIN}>"
    msg.set_content(_body(brief, pdf), subtype="plain", charset="utf-8", cte="quoted-printable")
    msg.add_attachment(data, maintype="application", subtype="pdf", filename=pdf.name)
    msg.set_boundary(f"=_briefing_{digest[32:56]}")
    return msg


def encoded_size(msg: EmailMessage) -> int:
    """Return the size in bytes of the message as it goes on the wire."""
    return len(msg.as_bytes())


def write_eml(msg: EmailMessage, path: Path) -> None:
    """Write the message to an .eml file atomically; never over the brief, its manifest or any other file."""
    path = Path(path)
    if path.suffix.lower() != ".eml":
        raise BriefingError(f"{path}: --eml must name an .eml file (it would replace this one)")
    if not path.parent.is_dir():
        raise BriefingError(f"cannot write {path}: no folder {path.parent}")
    write_atomic(path, msg.as_bytes())


def server(address: str) -> tuple[str, int]:
    """Return (host, port) from HOST:PORT, refusing a port that is not a number from 1 to 65535."""
    host, _, port = address.rpartition(":")
    if not host or not re.fullmatch(r"[0-9]{1,5}", port) or not 1 <= int(port) <= 65535:
        raise BriefingError(f"--smtp must be HOST:PORT with a port from 1 to 65535, got {address!r}")
    try:
        host.encode("idna")
    except UnicodeError:
        raise BriefingError(f"--smtp: {host!r} is not a usable host name") from None
    return host, int(port)


def _login(smtp: smtplib.SMTP, user: str, password: str) -> None:
    """Log in; smtplib sends credentials as ASCII, so others go as SASL PLAIN, which is UTF-8 (RFC 4616)."""
    if (user + password).isascii():
        smtp.login(user, password)
        return
    smtp.ehlo_or_helo_if_needed()
    if "PLAIN" not in smtp.esmtp_features.get("auth", "").upper().split():
        raise smtplib.SMTPException("the login is not ASCII and the server offers no AUTH PLAIN to carry it")
    token = f"\0{user}\0{password}".encode("utf-8", "surrogateescape")
    code, reply = smtp.docmd("AUTH", "PLAIN " + base64.b64encode(token).decode("ascii"))
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, reply)


def send(msg: EmailMessage, *, host: str, port: int, starttls: bool = False,
         user: str | None = None, password: str | None = None,
         timeout: float = 30) -> None:
    """Deliver the message over SMTP, optionally upgrading to TLS and logging in."""
    where = f"{host}:{port}"
    try:
        with smtplib.SMTP(host, port, timeout=timeout) as smtp:
            if starttls:
                smtp.starttls(context=ssl.create_default_context())
            if user:
                _login(smtp, user, password or "")
            refused = smtp.send_message(msg)
    except smtplib.SMTPAuthenticationError as exc:
        raise BriefingError(f"cannot send mail via {where}: login refused for {user!r}"
                            f" ({exc.smtp_code})") from None
    except smtplib.SMTPResponseException as exc:
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(
            exc.smtp_error, bytes) else str(exc.smtp_error)
        raise BriefingError(f"cannot send mail via {where}: {exc.smtp_code} "
                            f"{' '.join(text.split())}") from None
    except (smtplib.SMTPException, OSError, UnicodeError) as exc:
        reason = getattr(exc, "strerror", None) or " ".join(str(exc).split())
        raise BriefingError(f"cannot send mail via {where}: {reason}") from None
    if refused:
        raise BriefingError(f"mail sent via {where}, but refused for: "
                            f"{', '.join(sorted(refused))}")
