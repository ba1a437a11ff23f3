"""The community health report as one HTML page: self-contained (its styles inline, nothing
loaded from anywhere), charts as SVG with a text alternative and the same data as tables for
screen readers. Every text from outside is escaped. Pure."""

from __future__ import annotations

from html import escape

from services.outreach.domain.health import HealthReport

STYLE = """body{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;color:#1a1a1a}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}th,td{border:1px solid #767676;padding:.25rem .5rem;text-align:left}
caption{text-align:left;font-weight:600}.num{text-align:right}svg{max-width:100%}
.negative{stroke:#b3261e}.toxic{stroke:#6b3fa0}.volume{fill:#c9d7e8}a{color:#0b57d0}"""


def percent(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.1%}"


def as_html(r: HealthReport) -> str:
    where = escape(r.community or "posts without a community")
    title = f"Community health: {where}, {r.first} to {r.last}"
    parts = [f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>",
             f"<style>{STYLE}</style></head><body><main><h1>{title}</h1>",
             summary(r), chart(r), days_table(r), events(r), responses(r), themes(r), workload(r),
             "</main></body></html>"]  # fmt: skip
    return "".join(parts)


def summary(r: HealthReport) -> str:
    return "<h2>In short</h2><ul>" + "".join(f"<li>{escape(i)}</li>" for i in in_short(r)) + "</ul>"


def in_short(r: HealthReport) -> list[str]:
    t, volume = r.totals, r.totals.get("volume", 0)
    rate = lambda n: percent(n / volume if volume else None)  # noqa: E731
    items = [f"{volume} posts; {rate(t['negative'])} negative, {rate(t['toxic'])} toxic, "
             f"{t['civil']} of civil criticism; {t['actioned']} acted on",
             f"{t['opened']} cases opened, {t['resolved']} resolved, {t['answered']} complaints answered",
             f"{t['sla_breaches']} SLA breaches; {t['appeals']} appeals, {t['overturned']} overturned"]  # fmt: skip
    return items


def as_text(r: HealthReport) -> str:
    """The report in a few lines of Markdown, for a chat or an e-mail's text part."""
    lines = [f"- {item}" for item in in_short(r)]
    for q in r.responses:
        lines.append(
            f"- first replies in {q['queue']}: {q['answered']}, mean {minutes(q['mean_seconds'])}"
        )
    for t in r.themes[:5]:
        lines.append(f"- theme {t['theme']}: {t['count']} posts, {t.get('status', 'new')}")
    shown = {"wave_started": "wave started", "wave_ended": "wave ended", "crisis_on": "crisis mode on",
             "crisis_off": "crisis mode off"}  # fmt: skip
    lines += [
        f"- {e['at'][:16].replace('T', ' ')} UTC: {shown.get(e['kind'], e['kind'])}"
        for e in r.events
    ]
    return "\n".join(lines) + "\n"


def chart(r: HealthReport) -> str:
    width, height, pad = 640, 200, 24
    n = len(r.days)
    top = max([d.counts.get("volume", 0) for d in r.days] + [1])
    x = lambda i: pad + (i * (width - 2 * pad)) / max(1, n - 1)  # noqa: E731
    y = lambda v: height - pad - v * (height - 2 * pad)  # noqa: E731
    bars = "".join(
        f'<rect class="volume" x="{x(i) - 4:.1f}" y="{y(d.counts.get("volume", 0) / top):.1f}" '
        f'width="8" height="{height - pad - y(d.counts.get("volume", 0) / top):.1f}"/>'
        for i, d in enumerate(r.days)
    )
    lines = "".join(
        f'<polyline class="{name}" fill="none" stroke-width="2" points="'
        + " ".join(f"{x(i):.1f},{y(d.rate(name) or 0):.1f}" for i, d in enumerate(r.days))
        + '"/>'
        for name in ("negative", "toxic")
    )
    return ("<h2>Mood and toxicity, day by day</h2>"
            f'<svg role="img" aria-labelledby="chart-title chart-desc" viewBox="0 0 {width} {height}">'
            '<title id="chart-title">Posts per day (bars), negative and toxic shares (lines)</title>'
            '<desc id="chart-desc">The same figures are in the table below.</desc>'
            f"{bars}{lines}</svg>")  # fmt: skip


def days_table(r: HealthReport) -> str:
    head = "".join(f'<th scope="col">{h}</th>' for h in
                   ("Day", "Posts", "Negative", "Toxic", "Civil criticism", "Acted on", "Cases opened", "SLA breaches"))  # fmt: skip
    rows = "".join(
        f'<tr><th scope="row">{d.day}</th><td class="num">{d.counts.get("volume", 0)}</td>'
        f'<td class="num">{percent(d.rate("negative"))}</td><td class="num">{percent(d.rate("toxic"))}</td>'
        f'<td class="num">{d.counts.get("civil", 0)}</td><td class="num">{d.counts.get("actioned", 0)}</td>'
        f'<td class="num">{d.counts.get("opened", 0)}</td><td class="num">{d.counts.get("sla_breaches", 0)}</td></tr>'
        for d in r.days
    )
    return f"<table><caption>Day by day</caption><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def events(r: HealthReport) -> str:
    if not r.events:
        return "<h2>Waves and crisis mode</h2><p>No wave and no crisis mode in the period.</p>"
    said = {"wave_started": "a wave of negativity started", "wave_escalated": "the wave grew",
            "wave_ended": "the wave ended", "crisis_on": "crisis mode on", "crisis_off": "crisis mode off"}  # fmt: skip
    items = "".join(
        f"<li>{escape(e['at'][:16].replace('T', ' '))} UTC: {said.get(e['kind'], escape(e['kind']))}"
        + (f" ({escape(e['reason'])})" if e.get("reason") else "")
        + "</li>"
        for e in r.events
    )
    return f"<h2>Waves and crisis mode</h2><ul>{items}</ul>"


def responses(r: HealthReport) -> str:
    if not r.responses:
        return "<h2>Time to first response</h2><p>No reply to a case in the period.</p>"
    rows = "".join(
        f'<tr><th scope="row">{escape(q["queue"])}</th><td class="num">{q["answered"]}</td>'
        f'<td class="num">{minutes(q["mean_seconds"])}</td>'
        f'<td class="num">{q["within"]["le15"]}</td><td class="num">{q["within"]["le240"]}</td></tr>'
        for q in r.responses
    )
    head = "".join(
        f'<th scope="col">{h}</th>'
        for h in ("Queue", "First replies", "Mean wait", "Within 15 min", "Within 4 h")
    )
    return f"<h2>Time to first response</h2><table><caption>Per queue</caption><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def minutes(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds / 60:.0f} min"


def themes(r: HealthReport) -> str:
    if not r.themes:
        return "<h2>Themes of civil criticism</h2><p>No theme in the period.</p>"
    rows = "".join(
        f'<tr><th scope="row">{escape(t["theme"])}</th><td>{escape(t.get("language") or "undetermined")}</td>'
        f'<td class="num">{t["count"]}</td><td>{escape(t.get("status", "new"))}</td><td>{escape(t.get("owner") or "")}</td>'
        f"<td>{link(t.get('tracker_url'))}</td></tr>"
        for t in r.themes
    )
    head = "".join(
        f'<th scope="col">{h}</th>'
        for h in ("Theme", "Language", "Posts", "Status", "Owner", "Tracker")
    )
    return f"<h2>Themes of civil criticism</h2><table><caption>With the product team's status</caption><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def link(url: str | None) -> str:
    if not url or not url.startswith(("https://", "http://")):
        return ""
    return f'<a href="{escape(url, quote=True)}" rel="noreferrer">{escape(url)}</a>'


def workload(r: HealthReport) -> str:
    if not r.workload:
        return "<h2>Moderators' workload</h2><p>No case closed in the period.</p>"
    rows = "".join(
        f'<tr><th scope="row">{escape(m)}</th><td class="num">{n}</td></tr>'
        for m, n in r.workload.items()
    )
    return ("<h2>Moderators' workload</h2><table><caption>Cases each closed (resolved or answered)</caption>"
            f'<thead><tr><th scope="col">Moderator</th><th scope="col">Cases</th></tr></thead><tbody>{rows}</tbody></table>')  # fmt: skip
