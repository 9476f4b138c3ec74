"""One self-contained HTML page per analysis or scan: the verdict and its causes first, then
the findings with copy buttons for their fixes, then every path drawn as an inline SVG chain.

Self-contained means no request at all when the page is opened: CSS and script are inline,
fonts are the system's, and a Content-Security-Policy forbids loading anything else (it also
stops any script but ours, in case a user-supplied name ever slipped past escaping). Every
value from the report goes through `_e` (html.escape): connection names, properties and ids
come from users.
"""

from __future__ import annotations

import base64
import hashlib
import html
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from itertools import count
from typing import TYPE_CHECKING

from glue_netcheck import __version__
from glue_netcheck.analyse.results import BatchReport, ConnectionReport, ConsumerReport, Report, Verdict
from glue_netcheck.checks.finding import SEVERITY_ORDER, Finding
from glue_netcheck.net.trace import PathResult
from glue_netcheck.report.svg import Box, boxes, diagram

if TYPE_CHECKING:
    from glue_netcheck.report import RenderOptions

WORST: dict[Verdict, int] = {"fail": 0, "unknown": 1, "warn": 2, "pass": 3}
VERDICT_WORDS = {
    "pass": "no predicted failure",
    "warn": "no predicted failure, with warnings",
    "fail": "at least one predicted failure",
    "unknown": "a required path could not be decided",
}

CSS = """
:root{--pass:#1a7f37;--warn:#9a6700;--fail:#cf222e;--unknown:#8250df;--info:#0969da;--grey:#8c959f;
--line:#d0d7de;--soft:#f6f8fa;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
body{margin:0 auto;max-width:1180px;padding:16px 20px;color:#1f2328;line-height:1.45}
td:nth-child(-n+4){white-space:nowrap}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px}
h1{font-size:22px;margin:8px 0}h2{font-size:19px;margin:28px 0 8px;border-bottom:1px solid var(--line)}
h3{font-size:17px;margin:20px 0 6px}h4{font-size:15px;margin:16px 0 6px}
.verdict{border-left:8px solid;padding:10px 16px;background:var(--soft);border-radius:6px;margin:12px 0}
.verdict .word{font-size:26px;font-weight:700;letter-spacing:.04em}
.v-pass{border-color:var(--pass)}.v-pass .word,.t-pass{color:var(--pass)}
.v-warn{border-color:var(--warn)}.v-warn .word,.t-warn{color:var(--warn)}
.v-fail{border-color:var(--fail)}.v-fail .word,.t-fail{color:var(--fail)}
.v-unknown{border-color:var(--unknown)}.v-unknown .word,.t-unknown{color:var(--unknown)}
.meta{color:#57606a;margin:2px 0}
.finding{border:1px solid var(--line);border-radius:6px;padding:8px 12px;margin:10px 0}
.sev{display:inline-block;font-weight:700;font-size:12px;padding:1px 8px;border-radius:10px;color:#fff}
.sev-error{background:var(--fail)}.sev-warning{background:var(--warn)}.sev-info{background:var(--info)}
.cmd{display:flex;gap:8px;align-items:flex-start;margin:6px 0}
.cmd pre{flex:1;margin:0;padding:6px 8px;background:var(--soft);border:1px solid var(--line);
border-radius:4px;white-space:pre-wrap;overflow-wrap:anywhere}
button.copy{font:inherit;font-size:12px;padding:3px 10px;border:1px solid var(--line);border-radius:4px;
background:#fff;cursor:pointer}button.copy:hover{background:var(--soft)}
.ok{color:var(--pass);font-weight:600}.unverified{color:var(--warn);font-weight:600}
table{border-collapse:collapse;width:100%;font-size:13px;margin:6px 0}
th,td{border-bottom:1px solid var(--line);padding:3px 6px;text-align:left;vertical-align:top}
tr.deny td{background:#ffebe9;font-weight:600}tr.cause td{background:#fff8c5}tr.unreached td{color:var(--grey)}
.diagram{overflow-x:auto;margin:4px 0}.diagram svg{max-width:100%;height:auto}
.hv-allow{color:var(--pass)}.hv-deny{color:var(--fail)}.hv-unknown{color:var(--unknown)}.hv-info{color:var(--info)}
@media print{button.copy{display:none}}
"""

# Copy a fix: the Clipboard API where the page is a secure context (file:// is one in
# Chromium and Firefox), else a selected textarea and execCommand, which still works where
# the API is missing or refused.
SCRIPT = """
document.addEventListener("click", function (event) {
  var button = event.target.closest("button.copy");
  if (!button) return;
  var text = document.getElementById(button.dataset.target).textContent;
  function done(ok) {
    button.textContent = ok ? "Copied" : "Select and copy";
    button.dataset.copied = ok ? "yes" : "no";
    setTimeout(function () { button.textContent = "Copy"; }, 1500);
  }
  function fallback() {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (error) { ok = false; }
    document.body.removeChild(area);
    done(ok);
  }
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(function () { done(true); }, fallback);
  } else {
    fallback();
  }
});
"""
SCRIPT_HASH = base64.b64encode(hashlib.sha256(SCRIPT.encode()).digest()).decode()
CSP = f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-{SCRIPT_HASH}'"


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _hop_table(path_boxes: Sequence[Box]) -> str:
    rows = ["<table><tr><th>#</th><th>hop</th><th>resource</th><th>verdict</th><th>why</th></tr>"]
    for index, box in enumerate((b for b in path_boxes if b.hop is not None), 1):
        hop = box.hop
        assert hop is not None
        word, tone = ("not reached", "none") if box.state == "unreached" else (hop.verdict, hop.verdict)
        rows.append(
            f'<tr class="{_e(box.state)}"><td>{index}</td><td>{_e(hop.type)}</td><td class="mono">{_e(hop.id)}</td>'
            f'<td class="hv-{_e(tone)}">{_e(word)}</td><td>{_e(hop.detail)}</td></tr>'
        )
    rows.append("</table>")
    return "".join(rows)


def _path_state(path: PathResult) -> str:
    if path.reachable is True:
        return f'<span class="t-pass">reachable via {_e(path.via)}</span>'
    if path.reachable is False and path.blocked_at is not None:
        return f'<span class="t-fail">blocked at {_e(path.blocked_at.type)} {_e(path.blocked_at.id)}</span>'
    return '<span class="t-unknown">undecidable</span>'


def _copyable(ids: Iterator[int], text: str, css: str = "") -> str:
    ident = f"copy-{next(ids)}"
    return (
        f'<div class="cmd"><pre id="{ident}" class="{css}">{_e(text)}</pre>'
        f'<button type="button" class="copy" data-target="{ident}" title="Copy to the clipboard">Copy</button></div>'
    )


def _fix(finding: Finding, ids: Iterator[int]) -> list[str]:
    """The proven fix where the finding carries one (CONTRACT.md "Fixes"), else the remediation."""
    fix, out = finding.fix, []
    if fix is not None:
        label = '<span class="ok">verified fix</span>' if fix.verified else '<span class="unverified">unverified</span>'
        out.append(f"<p>{label}: {_e(fix.effect)}</p>")
    commands = fix.commands if fix is not None else ()
    if commands:
        out += [_copyable(ids, command, "fix-command") for command in commands]
        if len(commands) > 1:
            out.append('<p class="meta">All steps, in order:</p>' + _copyable(ids, "\n".join(commands), "fix-script"))
    elif finding.remediation:
        out.append("<p><b>Fix:</b></p>" + _copyable(ids, finding.remediation, "remediation"))
    if fix is not None and fix.terraform:
        out.append("<p><b>Terraform:</b></p>" + _copyable(ids, fix.terraform, "terraform"))
    return out


def _findings(findings: Sequence[Finding], addresses: Mapping[str, str], ids: Iterator[int]) -> str:
    if not findings:
        return '<p class="t-pass">No findings.</p>'
    out = []
    for f in sorted(findings, key=lambda f: SEVERITY_ORDER[f.severity]):
        where = f" ({_e(addresses[f.resource])})" if f.resource in addresses else ""
        out.append(
            f'<div class="finding" data-check="{_e(f.check)}" data-severity="{_e(f.severity)}">'
            f'<span class="sev sev-{_e(f.severity)}">{_e(f.severity.upper())}</span> '
            f'<b>{_e(f.check)}</b> on <code>{_e(f.resource)}</code>{where}<p class="message">{_e(f.message)}</p>'
        )
        if f.predicts:
            out.append(f"<p>Glue will fail with: <b>{_e(', '.join(f.predicts))}</b></p>")
        if f.folded:
            out.append(f'<p class="meta folded">Also reported by: {_e(", ".join(f.folded))}</p>')
        out += _fix(f, ids)
        out.append("</div>")
    return "".join(out)


def _verdict_box(verdict: str, title: str, failures: Sequence[str], causes: Sequence[str]) -> str:
    out = [
        f'<section class="verdict v-{_e(verdict)}" data-verdict="{_e(verdict)}">'
        f'<div><span class="word">{_e(verdict.upper())}</span> <b>{_e(title)}</b></div>'
        f'<div class="meta">{_e(VERDICT_WORDS.get(verdict, ""))}</div>'
    ]
    if failures:
        out.append(f'<div class="t-fail">Glue will fail with: <b>{_e(", ".join(failures))}</b></div>')
    if causes:
        out.append("<ul>" + "".join(f"<li>{c}</li>" for c in causes) + "</ul>")
    out.append("</section>")
    return "".join(out)


def _causes(report: ConnectionReport) -> list[str]:
    return [
        f"<b>{_e(p.service)}</b> <code>{_e(p.endpoint)}:{p.port}</code>: {_path_state(p)}"
        + (f" &mdash; {_e(p.blocked_at.reason)}" if p.blocked_at else "")
        + "".join(f" &mdash; {_e(h.detail)}" for h in p.hops[:] if p.reachable is None and h.verdict == "unknown")
        for p in report.paths
        if p.reachable is not True
    ]


def _connection(
    report: ConnectionReport,
    addresses: Mapping[str, str],
    ids: Iterator[int],
    level: int,
    anchor: str,
    verdict_box: bool = True,
) -> str:
    conn = report.connection
    out = [f'<section class="connection" id="{anchor}" data-connection="{_e(conn.name)}">']
    title = f"Glue connection {conn.name} ({conn.type or 'type unknown'}, {report.region})"
    if verdict_box:
        out.append(f"<h{level}>{_e(title)}</h{level}>")
        out.append(_verdict_box(report.verdict, conn.name, report.predicted_failures, _causes(report)))
    users = ", ".join(f"{c.kind} {c.name}" for c in report.consumers) or "none yet (assuming a job and a crawler)"
    out.append(
        f'<p class="meta">VPC <code>{_e(report.vpc_id)}</code>, subnet <code>{_e(conn.subnet_id)}</code>'
        f" ({_e(conn.availability_zone)}); security groups"
        f" <code>{_e(', '.join(conn.security_group_ids) or 'none')}</code>;"
        f" used by {_e(users)}</p>"
    )
    out.append(f"<h{level + 1}>Findings</h{level + 1}>" + _findings(report.findings, addresses, ids))
    out.append(f"<h{level + 1}>Paths</h{level + 1}>")
    for path in report.paths:
        figure = diagram(path, addresses, f"d{next(ids)}", conn.subnet_id)
        table = _hop_table(boxes(path, addresses, conn.subnet_id))
        out.append(
            f'<div class="path" data-service="{_e(path.service)}"><h{level + 2}>{_e(path.service)}'
            f" <code>{_e(path.endpoint)}:{path.port}</code> {_path_state(path)}</h{level + 2}>"
            f'<div class="diagram">{figure}</div>{table}</div>'
        )
    out.append("</section>")
    return "".join(out)


def _where_stopped(path: PathResult) -> str:
    if path.blocked_at is not None:
        return f"{path.service}: {path.blocked_at.id}"
    hop = next((h for h in path.hops if h.verdict == "unknown"), None)
    return f"{path.service}: undecided" + (f" at {hop.id}" if hop else "")


def _batch(report: BatchReport, ids: Iterator[int]) -> tuple[str, str]:
    results = sorted(report.results, key=lambda r: (WORST[r.verdict], r.region, r.connection.name))
    verdict = min((r.verdict for r in results), key=WORST.__getitem__, default="pass")
    failures = sorted({code for r in results for code in r.predicted_failures})
    tally = Counter(r.verdict for r in results)
    counts = ", ".join(f"{tally[v]} {v}" for v in WORST if tally[v])
    title = f"{report.kind} of {len(results)} connection(s)" + (f" from {report.source}" if report.source else "")
    out = [f"<h1>glue-netcheck {_e(title)}</h1>", _verdict_box(verdict, counts or "no connection", failures, [])]
    if results:
        out.append(
            '<table class="summary"><tr><th>connection</th><th>region</th><th>verdict</th>'
            "<th>predicted failures</th><th>stopped at</th></tr>"
        )
        for index, r in enumerate(results, 1):
            blocked = "; ".join(_where_stopped(p) for p in r.paths if p.reachable is not True)
            out.append(
                f'<tr><td><a href="#conn-{index}">{_e(r.connection.name)}</a></td><td>{_e(r.region)}</td>'
                f'<td class="t-{_e(r.verdict)}">{_e(r.verdict)}</td>'
                f"<td>{_e(', '.join(r.predicted_failures) or '-')}</td><td>{_e(blocked or '-')}</td></tr>"
            )
        out.append("</table>")
    out += [_connection(r, report.addresses, ids, 2, f"conn-{i}") for i, r in enumerate(results, 1)]
    return title, "".join(out)


def _consumer(report: ConsumerReport, ids: Iterator[int]) -> tuple[str, str]:
    consumer = report.consumer
    title = f"Glue {consumer.kind} {consumer.name} ({report.region})"
    causes = [f"connection <b>{_e(r.connection.name)}</b>: {_e(r.verdict)}" for r in report.connections]
    out = [
        f"<h1>{_e(title)}</h1>",
        _verdict_box(report.verdict, consumer.name, report.predicted_failures, causes),
        f'<p class="meta">role <code>{_e(consumer.role or "unknown")}</code>; security configuration'
        f" <code>{_e(consumer.security_configuration or 'none')}</code></p>",
        f"<h2>{_e(consumer.kind.capitalize())} findings</h2>",
        _findings(report.findings, {}, ids),
    ]
    out += [_connection(r, {}, ids, 2, f"conn-{i}") for i, r in enumerate(report.connections, 1)]
    return title, "".join(out)


def render(report: Report, options: RenderOptions | None = None) -> str:
    """The page for a connection, job/crawler, scan or plan report. `options` (RenderOptions)
    is accepted for the common renderer signature; a page has no colour or width setting."""
    ids = count(1)
    if isinstance(report, BatchReport):
        title, body = _batch(report, ids)
    elif isinstance(report, ConsumerReport):
        title, body = _consumer(report, ids)
    else:
        title = f"Glue connection {report.connection.name} ({report.region})"
        body = f"<h1>{_e(title)}</h1>" + _verdict_box(
            report.verdict, report.connection.name, report.predicted_failures, _causes(report)
        )
        body += _connection(report, {}, ids, 1, "conn-1", verdict_box=False)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>glue-netcheck: {_e(title)}</title><style>{CSS}</style></head>\n<body>{body}"
        f'<p class="meta">glue-netcheck {_e(__version__)}</p><script>{SCRIPT}</script></body></html>\n'
    )
