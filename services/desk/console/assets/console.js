// The moderator console: one page over the desk's moderator API. Every piece of user
// content is inserted as text (never as HTML), so a post cannot run script, load an image or
// follow a link by itself.

const MOOD_POLL_MS = 3000; // the mood comes in windows: polled (cases are live)
const main = document.getElementById("main");
const flash = document.getElementById("flash");
let me = null; // {tenant, moderator_id, role, csrf_token, allowed, blur_threshold}
const ROLES = ["triage", "community_manager", "moderator", "admin"]; // a ladder: each includes those before it
const atLeast = (role) => ROLES.indexOf(me.role) >= ROLES.indexOf(role);
let timers = [];
let stream = null; // the live case changes (EventSource) of the page shown
let keys = {}; // key -> {label, run}

// ---------- helpers ----------

function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "text") node.textContent = value;
    else if (name === "style") node.style.cssText = value; // CSSOM: allowed by the page's CSP
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

class ApiFailure extends Error {
  constructor(status, body) {
    super(body?.error?.message || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

async function api(path, { method = "GET", body } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && me) headers["X-CSRF-Token"] = me.csrf_token;
  const response = await fetch(path, {
    method, headers, credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = { error: { message: text } }; }
  if (response.status === 401 && path !== "/console/session") {
    me = null;
    showSignIn("Your session ended. Sign in again.");
  }
  if (!response.ok) throw new ApiFailure(response.status, data);
  return data;
}

function say(message, error = false) {
  flash.textContent = message;
  flash.className = error ? "flash error" : "flash";
}

function every(ms, run) {
  run();
  timers.push(setInterval(run, ms));
}

function age(seconds) {
  if (seconds === null || seconds === undefined) return "–";
  const s = Math.max(0, Math.round(seconds));
  if (s < 90) return `${s} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

function when(iso) {
  return iso ? new Date(iso).toLocaleString() : "–";
}

function may(command) {
  return me && me.allowed.includes(command);
}

function shortcut(key, label, run) {
  keys[key] = { label, run };
}

// Cases change on the server: the desk streams each change (SSE), and a page refreshes on it
// instead of polling. On (re)connecting the page catches up (`null`).
function live(onChange) {
  if (stream) stream.close();
  stream = new EventSource("/v1/moderation/live");
  stream.addEventListener("case", (event) => onChange(JSON.parse(event.data)));
  stream.addEventListener("open", () => onChange(null));
}

// Many changes at once (a bulk action) make one refresh.
function coalesced(run) {
  let pending = null;
  return () => {
    if (pending) return;
    pending = setTimeout(() => { pending = null; run().catch((failure) => say(failure.message, true)); }, 250);
  };
}

function leave() {
  if (stream) { stream.close(); stream = null; }
  timers.forEach(clearInterval);
  timers = [];
  keys = {};
  globalShortcuts();
}

function page(title, ...children) {
  main.replaceChildren(h("h1", { text: title }), ...children);
  document.title = `${title} · Moderation console`;
  for (const link of document.querySelectorAll("nav a")) {
    const current = location.hash.startsWith(link.getAttribute("href"));
    if (current) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

function globalShortcuts() {
  shortcut("q", "Go to queues", () => (location.hash = "#/queues"));
  shortcut("p", "Go to appeals", () => (location.hash = "#/appeals"));
  shortcut("/", "Go to search", () => (location.hash = "#/search"));
  shortcut("b", "Go to bulk actions", () => (location.hash = "#/bulk"));
  shortcut("c", "Go to community pulse", () => (location.hash = "#/pulse"));
  shortcut("?", "Show these shortcuts", showHelp);
}

function keyButton(label, key, onclick, attrs = {}) {
  const button = h("button", { type: "button", "aria-keyshortcuts": key, onclick, ...attrs },
    label, h("kbd", { "aria-hidden": "true", text: key }));
  if (key) shortcut(key, label, () => button.getAttribute("aria-disabled") !== "true" && !button.disabled && button.click());
  return button;
}

function showHelp() {
  const body = document.querySelector("#help-keys tbody");
  body.replaceChildren(...Object.entries(keys).map(([key, { label }]) =>
    h("tr", {}, h("td", {}, h("kbd", { text: key })), h("td", { text: label }))));
  document.getElementById("help").showModal();
}

document.addEventListener("keydown", (event) => {
  const typing = event.target.closest("input, textarea, select");
  if (event.key === "Escape" && typing) { event.target.blur(); return; }
  if (typing) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      if (event.target.form) event.target.form.requestSubmit(); // e.g. the note
      else if (event.target.id === "reason") keys[event.shiftKey ? "ctrl+shift+enter" : "ctrl+enter"]?.run();
    }
    return;
  }
  if (event.ctrlKey || event.metaKey || event.altKey || document.getElementById("help").open) return;
  const found = keys[event.key];
  if (found && me) {
    event.preventDefault();
    found.run();
  }
});

// ---------- sign-in ----------

function showSignIn(message = "") {
  leave();
  document.getElementById("nav").hidden = true;
  document.getElementById("sign-out").hidden = true;
  document.getElementById("help-button").hidden = true;
  document.getElementById("who").textContent = "";
  const token = h("input", { id: "token", type: "password", autocomplete: "off", required: true });
  const problem = h("p", { class: "error", role: "alert", text: message });
  const form = h("form", {
    onsubmit: async (event) => {
      event.preventDefault();
      try {
        me = await api("/console/session", { method: "POST", body: { token: token.value } });
        token.value = "";
        signedIn();
      } catch (failure) {
        problem.textContent = failure.message;
      }
    },
  },
  h("label", { for: "token" }, "Moderator token", token),
  h("button", { type: "submit" }, "Sign in"), problem);
  page("Sign in", h("p", { class: "meta", text: "Paste the moderator token your admin gave you. It is kept in a secure session cookie, not in this page." }), form);
  token.focus();
}

function signedIn() {
  document.getElementById("nav").hidden = false;
  document.getElementById("sign-out").hidden = false;
  document.getElementById("help-button").hidden = false;
  document.getElementById("nav-admin").hidden = me.role !== "admin";
  document.getElementById("who").textContent = `${me.moderator_id} · ${me.role}`;
  if (!location.hash || location.hash === "#/") location.hash = "#/queues";
  else route();
}

document.getElementById("sign-out").addEventListener("click", async () => {
  try { await api("/console/session", { method: "DELETE" }); } catch { /* signed out anyway */ }
  me = null;
  location.hash = "";
  showSignIn("Signed out.");
});
document.getElementById("help-button").addEventListener("click", showHelp);

// ---------- queues ----------

async function nextCase(queue) {
  try {
    const result = await api(`/v1/moderation/queues/${encodeURIComponent(queue)}/next`, { method: "POST" });
    location.hash = `#/case/${result.case.case_id}`;
    say(`Claimed the next case from ${queue}.`);
  } catch (failure) {
    say(failure.message, true);
  }
}

function queuesPage(selected) {
  const rows = h("tbody");
  const table = h("table", {},
    h("caption", { class: "meta", text: "Live: updated as cases change" }),
    h("thead", {}, h("tr", {}, ...["Queue", "Open cases", "Oldest waiting", "Past deadline", "SLA breaches (24 h)", "Work"].map((t) => h("th", { scope: "col", text: t })))),
    rows);
  const cases = h("section", { "aria-labelledby": "cases-title" });
  page("Queues", table, cases);
  let first = true, fetched = Date.now();
  const refresh = async () => {
    const { data } = await api("/v1/moderation/queues");
    fetched = Date.now();
    rows.replaceChildren(...data.map((q) => h("tr", { "data-queue": q.queue },
      h("th", { scope: "row" }, h("a", { href: `#/queues/${encodeURIComponent(q.queue)}`, text: q.queue })),
      h("td", { class: "depth", text: q.depth }),
      h("td", { class: "age", "data-age": q.oldest_age_seconds ?? "", text: age(q.oldest_age_seconds) }),
      h("td", { class: q.overdue ? "error" : "", text: q.overdue }),
      h("td", { text: q.sla_breaches_24h }),
      h("td", {}, h("button", { type: "button", "aria-label": `Next case in ${q.queue}`, onclick: () => nextCase(q.queue) }, "Next case")))));
    if (!data.length) rows.replaceChildren(h("tr", {}, h("td", { colspan: 6, text: "No open cases. Nice work." })));
    const queue = selected || (data[0] && data[0].queue);
    if (first && queue) shortcut("n", `Next case in ${queue}`, () => nextCase(queue));
    first = false;
    if (selected) await caseList(cases, selected);
  };
  refresh().catch((failure) => say(failure.message, true));
  live(coalesced(refresh));
  // the oldest case's wait grows by itself: counted here, not fetched
  every(1000, () => {
    for (const cell of rows.querySelectorAll("td.age[data-age]")) {
      if (cell.dataset.age !== "") cell.textContent = age(Number(cell.dataset.age) + (Date.now() - fetched) / 1000);
    }
  });
}

async function caseList(section, queue) {
  const { data } = await api(`/v1/moderation/queues/${encodeURIComponent(queue)}/cases?limit=50`);
  section.replaceChildren(h("h2", { id: "cases-title", text: `Cases in ${queue}` }), caseTable(data));
}

function caseTable(cases) {
  if (!cases.length) return h("p", { class: "meta", text: "No cases." });
  return h("table", {},
    h("thead", {}, h("tr", {}, ...["Case", "Author", "Community", "State", "Priority", "Deadline", "Opened"].map((t) => h("th", { scope: "col", text: t })))),
    h("tbody", {}, ...cases.map((c) => h("tr", {},
      h("td", {}, h("a", { href: `#/case/${c.case_id}`, text: c.post_id })),
      h("td", { text: c.author_id }), h("td", { text: c.community || "–" }),
      h("td", { text: c.state + (c.assignee ? ` (${c.assignee})` : "") + (c.appealed ? ", appealed" : "") + (c.reports ? `, ${c.reports} reports` : "") }),
      h("td", { text: c.priority }), h("td", { text: when(c.sla_deadline) }), h("td", { text: when(c.opened_at) })))));
}

// ---------- a case ----------

const RESOLUTIONS = [
  ["approve", "Approve", "a"], ["label", "Label", "l"], ["hold", "Hold", "h"],
  ["remove", "Remove", "r"], ["escalate", "Escalate", "e"], ["sanction", "Sanction", "s"],
];

function scoreBars(scores) {
  const entries = Object.entries(scores).sort((a, b) => b[1] - a[1]);
  return h("ul", { class: "scores", "aria-label": "Scores" }, ...entries.map(([label, value]) =>
    h("li", {}, h("span", { text: label }),
      h("span", { class: "track", "aria-hidden": "true" }, h("span", { class: value >= 0.5 ? "fill high" : "fill", style: `width:${Math.round(value * 100)}%` })),
      h("span", { text: value.toFixed(2) }))));
}

function countdown(deadline) {
  const node = h("span", { class: "countdown", role: "timer", "aria-live": "off" });
  const tick = () => {
    if (!deadline) { node.textContent = "no deadline"; return; }
    const left = (new Date(deadline) - Date.now()) / 1000;
    node.textContent = left >= 0 ? `${age(left)} left` : `${age(-left)} past the deadline`;
    node.classList.toggle("late", left < 0);
  };
  tick();
  timers.push(setInterval(tick, 1000));
  return node;
}

// The post's rule for every text the case shows: blurred at or above the moderator's blur
// threshold, or when no model read it (nothing says it is safe to show).
function blurredBy(scores) {
  const values = Object.values(scores || {});
  return values.length === 0 || Math.max(...values) >= me.blur_threshold;
}

function saidItem(p, current) {
  const blurred = blurredBy(p.scores);
  const text = h("span", { class: blurred ? "post-text blurred" : "post-text", text: p.text });
  const reveal = blurred ? h("button", { type: "button", class: "quiet", "aria-label": `Reveal the post of ${p.author_id}`,
    onclick: () => { text.classList.remove("blurred"); reveal.remove(); } }, "Reveal") : null;
  return h("li", { class: current ? "said current" : "said", "aria-current": current ? "true" : null },
    h("strong", { text: p.author_id }), " ", h("span", { class: "meta", text: `${when(p.said_at)} · ${p.action || "pending"}` }),
    h("div", {}, text, " ", reveal));
}

function conversationCard(post, conversation) {
  const { parent, thread, thread_posts: size, author_recent: recent } = conversation;
  const replyTo = conversation.reply_to || post.reply_to;
  const parentPart = replyTo
    ? [h("h3", { text: "In reply to" }), parent
      ? h("ul", { class: "conversation", id: "parent" }, saidItem(parent, false))
      : h("p", { class: "meta", id: "parent", text: `${replyTo}: a post we never received, or no longer keep.` })]
    : [h("p", { class: "meta", id: "parent", text: "Not a reply." })];
  const threadPart = post.thread_id
    ? [h("h3", { text: `Thread ${post.thread_id} (${size} posts kept)` }), thread.length
      ? h("ol", { class: "conversation", id: "thread" }, ...thread.map((p) => saidItem(p, p.post_id === post.post_id)))
      : h("p", { class: "meta", text: "The post is no longer among the thread's posts kept." })]
    : [];
  return h("section", { class: "card", "aria-labelledby": "conversation-title" },
    h("h2", { id: "conversation-title", text: "Conversation" }), ...parentPart, ...threadPart,
    h("h3", { text: "The author's recent posts" }), recent.length
      ? h("ul", { class: "conversation", id: "author-posts" }, ...recent.map((p) => saidItem(p, false)))
      : h("p", { class: "meta", text: "None kept." }));
}

async function casePage(caseId) {
  let detail;
  try {
    detail = await api(`/v1/moderation/cases/${encodeURIComponent(caseId)}`);
  } catch (failure) {
    page("Case", h("p", { class: "error", role: "alert", text: failure.message }));
    return;
  }
  const { case: c, post, scores, author, decisions, trail, reports, conversation } = detail;
  const top = Math.max(0, ...Object.values(scores));
  const automated = decisions.find((d) => d.revision === 0) || decisions[0];
  const language = automated && automated.language ? automated.language : null;
  // No model read it (its language): nothing says it is safe to show, so it starts blurred too
  const unread = Object.keys(scores).length === 0;
  const blurred = top >= me.blur_threshold || unread;
  const text = h("p", { class: blurred ? "post-text blurred" : "post-text", id: "post-text", text: post.text });
  const reveal = blurred ? keyButton("Reveal text", "v", () => {
    text.classList.remove("blurred");
    reveal.remove();
  }, { class: "quiet" }) : null;
  if (blurred) text.setAttribute("aria-describedby", "blur-note");
  const rules = automated ? automated.reasons : [];
  const blurNote = unread
    ? `Blurred: not scored, no model reads ${language || "its language"}.`
    : `Blurred: scored ${top.toFixed(2)}, above ${me.blur_threshold}.`;

  const postCard = h("section", { class: "card", "aria-labelledby": "post-title" },
    h("h2", { id: "post-title", text: "Post" }),
    blurred ? h("p", { id: "blur-note", class: "meta", text: blurNote }) : null,
    text, reveal,
    h("p", { class: "meta" }, `Post ${post.post_id} · author ${post.author_id} · community ${post.community || "–"} · language ${language || "–"}`));
  const scoreCard = h("section", { class: "card", "aria-labelledby": "scores-title" },
    h("h2", { id: "scores-title", text: "Scores" }),
    unread ? h("p", { class: "meta", text: `Not scored: no loaded model reads ${language || "this language"}. Judge it yourself.` }) : scoreBars(scores),
    h("h2", { text: "Matched rules" }),
    rules.length ? h("ul", {}, ...rules.map((r) => h("li", {}, h("strong", { text: r.rule }), ` → ${r.action}: ${r.detail}`))) : h("p", { class: "meta", text: "No rule matched." }),
    h("p", { class: "meta", text: automated && automated.policy ? `Policy ${automated.policy.id} version ${automated.policy.version}` : "Policy unknown" }));
  const reportCard = c.reports ? h("section", { class: "card", "aria-labelledby": "reports-title" },
    h("h2", { id: "reports-title", text: `Reports from members (${c.reports})` }),
    h("ul", {}, ...reports.map((r) => h("li", {}, h("strong", { text: r.reason_code }),
      ` from ${r.reporter_id}`, r.text ? `: “${r.text}”` : "",
      h("span", { class: "meta", text: ` ${when(r.reported_at)}` }), atLeast("moderator") ? muteControl(r.reporter_id) : null)))) : null;
  const authorCard = h("section", { class: "card", "aria-labelledby": "author-title" },
    h("h2", { id: "author-title", text: "Author" }),
    h("p", {}, `${author.author_id}: `, h("strong", { text: `${author.strikes} strikes` }),
      author.strikes_at_decision !== null ? ` (${author.strikes_at_decision} when this post was judged)` : ""),
    h("h3", { text: "Recent decisions" }),
    author.recent_decisions.length ? h("ul", {}, ...author.recent_decisions.slice(0, 10).map((d) => h("li", { text: `${d.action} by ${d.decided_by}, ${when(d.decided_at)}` }))) : h("p", { class: "meta", text: "None." }));
  const historyCard = h("section", { class: "card", "aria-labelledby": "history-title" },
    h("h2", { id: "history-title", text: "Decision history" }),
    h("ol", {}, ...decisions.map((d) => h("li", { text: `r${d.revision}: ${d.action} by ${d.decided_by}, ${when(d.decided_at)}` }))));
  const notes = trail.filter((e) => e.kind === "noted");
  const trailCard = h("section", { class: "card", "aria-labelledby": "trail-title" },
    h("h2", { id: "notes-title", text: "Notes" }),
    notes.length ? h("ul", {}, ...notes.map((e) => h("li", {}, h("strong", { text: e.actor }), `: ${e.reason}`, h("span", { class: "meta", text: ` ${when(e.at)}` })))) : h("p", { class: "meta", text: "No notes yet." }),
    h("h2", { id: "trail-title", text: "Audit trail" }),
    h("ol", { class: "trail" }, ...trail.map((e) => h("li", {},
      h("strong", { text: e.kind }), ` by ${e.actor} in ${e.queue || "–"}`, e.resolution ? ` → ${e.resolution}` : "",
      e.reason ? `: ${e.reason}` : "", h("div", { class: "meta", text: when(e.at) })))));

  const status = h("p", {}, `State: `, h("strong", { text: c.state }),
    c.assignee ? ` (held by ${c.assignee})` : "", c.appealed ? " · on appeal" : "",
    ` · queue ${c.queue} · priority ${c.priority} · `, countdown(c.sla_deadline));
  const panel = actionPanel(c);
  if (c.state === "claimed" && c.assignee !== me.moderator_id) heldElsewhere(panel, c.assignee);
  const golden = me.role === "admin" && c.state === "resolved" && !c.answered ? goldenForm(c) : null;
  const reply = atLeast("community_manager") && c.state !== "resolved" ? replyCard(c, post) : null;
  const responded = c.first_response_at ? h("p", { class: "meta", text: `First reply ${when(c.first_response_at)}.` }) : null;
  page(`Case ${c.post_id}`, status, responded, h("div", { class: "grid" },
    h("div", {}, postCard, conversationCard(post, conversation), reply, panel, golden, historyCard, trailCard),
    h("div", {}, reportCard, scoreCard, authorCard)));
  // another moderator's claim greys the actions at once (what you typed stays); any other
  // change of the case's state reads the page again
  live((change) => {
    if (!change || change.case_id !== c.case_id) return;
    if (change.state === "claimed" && change.assignee !== me.moderator_id) {
      if (!panel.classList.contains("greyed")) heldElsewhere(panel, change.assignee);
    } else if (change.state !== c.state || change.assignee !== (c.assignee || "")) casePage(caseId);
  });
}

// Answer the member: the platform posts the reply under the post as its staff account. In a
// complaints queue the reply closes the case as answered.
function replyCard(c, post) {
  const text = h("textarea", { id: "reply-text", rows: 3, cols: 50, "aria-describedby": "reply-count" });
  const count = h("span", { id: "reply-count", class: "meta", text: "0 characters" });
  const templates = h("select", { id: "reply-template" }, h("option", { value: "", text: "Write your own" }));
  const outcome = h("p", { role: "status" });
  const listed = new Map();
  text.addEventListener("input", () => { count.textContent = `${text.value.length} characters`; });
  templates.addEventListener("change", () => {
    const chosen = listed.get(templates.value);
    if (!chosen) return;
    text.value = chosen.text.replaceAll("{community}", post.community || "").replaceAll("{theme}", "");
    text.dispatchEvent(new Event("input"));
    text.focus();
  });
  api(`/v1/moderation/reply-templates?${post.community ? `community=${encodeURIComponent(post.community)}` : ""}`)
    .then((found) => found.data.forEach((t) => {
      listed.set(t.name, t);
      templates.append(h("option", { value: t.name, text: t.name }));
    })).catch(() => {});
  const send = h("button", { type: "submit" }, "Send reply");
  return h("section", { class: "card", "aria-labelledby": "reply-title" },
    h("h2", { id: "reply-title", text: "Answer the member" }),
    h("form", {
      onsubmit: async (event) => {
        event.preventDefault();
        if (!text.value.trim()) { outcome.textContent = "Write the reply first."; return; }
        send.disabled = true;
        try {
          const sent = await api(`/v1/moderation/cases/${encodeURIComponent(c.case_id)}/reply`, { method: "POST", body: { text: text.value.trim() } });
          const said = { answered: "Reply sent: the complaint is answered and closed.", responded: "Reply sent; the case stays open.",
            already_sent: "This reply was already sent.", pending: "Reply sent; the case will show it shortly.",
            rejected: `Reply sent, but the case did not take it: ${sent.reason}` }[sent.outcome] || "Reply sent.";
          // the desk's view of the case hears of the reply a moment after outreach does
          if (["answered", "responded"].includes(sent.outcome)) await recorded(c.case_id);
          route();  // the page again, then what happened (route clears the last message)
          say(said);
        } catch (failure) {
          outcome.textContent = failure.message;
          send.disabled = false;
        }
      },
    }, h("label", { for: "reply-template" }, "Template", templates),
      h("label", { for: "reply-text" }, "Reply, posted under the member's post by your staff account", text), count,
      h("div", { class: "actions" }, send), outcome));
}

async function recorded(caseId, tries = 20) {
  for (let i = 0; i < tries; i++) {
    const detail = await api(`/v1/moderation/cases/${encodeURIComponent(caseId)}`);
    if (detail.case.first_response_at) return;
    await new Promise((done) => setTimeout(done, 250));
  }
}

// A member whose reports are consistently rejected can be muted: their reports stop counting.
function muteControl(reporter) {
  const box = h("span", { class: "mute" });
  const open = h("button", { type: "button", class: "quiet", "aria-label": `Mute ${reporter}'s reports` }, "Mute");
  open.addEventListener("click", () => {
    const id = `mute-${reporter.replace(/[^A-Za-z0-9_-]/g, "_")}`;
    const why = h("input", { id, required: true, minlength: 3 });
    const form = h("form", { class: "inline", onsubmit: async (event) => {
      event.preventDefault();
      try {
        await api(`/v1/moderation/reporters/${encodeURIComponent(reporter)}/mute`, { method: "PUT", body: { reason: why.value.trim(), hours: 24 * 30 } });
        box.replaceChildren(h("span", { class: "meta", text: " muted for 30 days" }));
      } catch (failure) { say(failure.message, true); }
    } }, h("label", { for: id }, `Why mute ${reporter}`, why), h("button", { type: "submit" }, "Mute for 30 days"));
    box.replaceChildren(form);
    why.focus();
  });
  box.append(" ", open);
  return box;
}

// An admin marks a resolved case golden: unmarked copies join the queues and each
// moderator's call on them is scored against the expected one.
function goldenForm(c) {
  const expected = h("select", { id: "golden-expected" }, ...["remove", "hold", "label", "approve"].map((v) => h("option", { value: v, text: v })));
  const done = h("p", { role: "status", id: "golden-done" });
  return h("section", { class: "card", "aria-labelledby": "golden-title" },
    h("h2", { id: "golden-title", text: "Golden case" }),
    h("p", { class: "meta", text: "Use this case to check the checkers: copies of it, unmarked, join the queues, and each moderator's call on them is scored." }),
    h("form", { class: "inline", onsubmit: async (event) => {
      event.preventDefault();
      try {
        await api(`/v1/admin/golden/${encodeURIComponent(c.case_id)}`, { method: "PUT", body: { expected: expected.value } });
        done.textContent = `Marked golden: the expected call is ${expected.value}.`;
      } catch (failure) { say(failure.message, true); }
    } }, h("label", { for: "golden-expected" }, "Expected call", expected), h("button", { type: "submit" }, "Mark as golden")), done);
}

// A case someone else holds: its actions grey out, and say why.
function heldElsewhere(panel, who) {
  panel.classList.add("greyed");
  panel.setAttribute("aria-disabled", "true");
  for (const control of panel.querySelectorAll("button, textarea, input, select")) control.disabled = true;
  panel.prepend(h("p", { class: "why", id: "held-elsewhere", text: `Held by ${who}: you cannot act on it now.` }));
}

async function command(c, verb, body) {
  const path = verb === "act" ? "actions" : verb;
  return api(`/v1/moderation/cases/${c.case_id}/${path}`, { method: "POST", body });
}

function claimBlock(c) {
  const mine = c.assignee === me.moderator_id;
  const firstDecider = c.appealed && c.first_decider === me.moderator_id;
  const why = firstDecider ? "You made the first decision on this case: another moderator must take its appeal." : null;
  const run = (verb) => async () => {
    try { await command(c, verb); route(); say(verb === "claim" ? "Claimed." : "Released."); }
    catch (failure) { say(failure.message, true); }
  };
  if (c.state === "resolved") return null;
  if (mine) return keyButton("Unclaim", "u", run("unclaim"), { class: "quiet" });
  if (c.state === "claimed") return h("p", { class: "why", text: `Held by ${c.assignee}.` });
  return h("div", {}, keyButton("Claim", "c", why ? () => say(why, true) : run("claim"), why ? { "aria-disabled": "true", "aria-describedby": "claim-why" } : {}),
    why ? h("p", { id: "claim-why", class: "why", text: why }) : null);
}

function actionPanel(c) {
  const panel = h("section", { class: "card", "aria-labelledby": "act-title" }, h("h2", { id: "act-title", text: "Act" }));
  panel.append(claimBlock(c) || "");
  if (c.state === "resolved") {
    panel.append(h("p", { text: c.answered ? "Answered: the complaint is closed." : `Resolved: ${c.resolution}.` }));
    if (may("appeal") && !c.appealed) panel.append(appealForm(c));
    panel.append(noteForm(c));
    return panel;
  }
  if (c.assignee !== me.moderator_id) {
    panel.append(h("p", { class: "why", text: "Claim the case to act on it." }), noteForm(c));
    return panel;
  }
  let chosen = null;
  const reason = h("textarea", { id: "reason", rows: 2, cols: 50 });
  const queue = h("input", { id: "target-queue", value: "", placeholder: "e.g. senior" });
  const kinds = ["warn", "mute", "suspend", "ban"].filter((k) => may(`sanction:${k}`));
  const sanction = h("select", { id: "sanction-kind" }, ...kinds.map((k) => h("option", { value: k, text: k })));
  const duration = h("input", { id: "duration", type: "number", min: 1, value: 24 });
  const extra = h("div");
  const problem = h("p", { class: "error", role: "alert" });
  const buttons = RESOLUTIONS.filter(([verb]) => verb === "sanction" ? kinds.length : may(verb)).map(([verb, label, key]) => {
    const button = keyButton(label, key, () => choose(verb, button), { "aria-pressed": "false", class: verb === "remove" || verb === "sanction" ? "danger" : "" });
    return button;
  });
  function choose(verb, button) {
    chosen = verb;
    buttons.forEach((b) => b.setAttribute("aria-pressed", String(b === button)));
    extra.replaceChildren();
    if (verb === "escalate") extra.append(h("label", { for: "target-queue" }, "Target queue", queue));
    if (verb === "sanction") extra.append(h("label", { for: "sanction-kind" }, "Sanction", sanction), h("label", { for: "duration" }, "Hours (mute, suspend)", duration));
    reason.focus();
  }
  async function submit(next) {
    if (!chosen) { problem.textContent = "Choose an action first."; return; }
    if (!reason.value.trim()) { problem.textContent = "Give a reason: it goes into the statement of reasons."; reason.focus(); return; }
    const body = { action: chosen, reason: reason.value.trim() };
    if (chosen === "escalate") body.queue = queue.value.trim();
    if (chosen === "sanction") {
      body.sanction = sanction.value;
      if (["mute", "suspend"].includes(sanction.value)) body.duration_hours = Number(duration.value);
    }
    try {
      await command(c, "act", body);
      if (next) await nextCase(c.queue);
      else route();
      say(`${chosen} recorded for ${c.post_id}.`);
    } catch (failure) {
      problem.textContent = failure.message;
    }
  }
  const submitButton = keyButton("Submit", "y", () => submit(false));
  const nextButton = keyButton("Submit and next", "n", () => submit(true));
  reason.setAttribute("aria-keyshortcuts", "t");
  shortcut("ctrl+enter", "Submit (in the reason field)", () => submit(false));
  shortcut("ctrl+shift+enter", "Submit and next (in the reason field)", () => submit(true));
  shortcut("t", "Write the reason", () => reason.focus());
  panel.append(h("div", { class: "actions", role: "group", "aria-label": "Action" }, ...buttons), extra,
    h("label", { for: "reason" }, h("span", {}, "Reason", h("kbd", { "aria-hidden": "true", text: "t" })), reason),
    h("div", { class: "actions" }, submitButton, nextButton), problem, noteForm(c));
  return panel;
}

function noteForm(c) {
  const text = h("textarea", { id: "note", rows: 2, cols: 50, "aria-keyshortcuts": "m" });
  shortcut("m", "Write a note (Ctrl+Enter adds it)", () => text.focus());
  return h("form", {
    onsubmit: async (event) => {
      event.preventDefault();
      if (!text.value.trim()) return;
      try { await command(c, "notes", { text: text.value.trim() }); route(); say("Note added."); }
      catch (failure) { say(failure.message, true); }
    },
  }, h("label", { for: "note" }, h("span", {}, "Note for other moderators", h("kbd", { "aria-hidden": "true", text: "m" })), text), h("button", { type: "submit", class: "quiet" }, "Add note"));
}

function appealForm(c) {
  const reason = h("input", { id: "appeal-reason", size: 40 });
  return h("form", {
    onsubmit: async (event) => {
      event.preventDefault();
      try { await command(c, "appeal", { reason: reason.value.trim() }); route(); say("Appeal opened."); }
      catch (failure) { say(failure.message, true); }
    },
  }, h("label", { for: "appeal-reason" }, "The author's appeal", reason), h("button", { type: "submit" }, "Open appeal"));
}

// ---------- appeals ----------

function appealsPage() {
  const list = h("div");
  page("Appeals", h("p", { class: "meta", text: "Appealed cases waiting for a second moderator. The moderator who decided first cannot take them." }), list);
  const refresh = async () => {
    const { data } = await api("/v1/moderation/appeals");
    if (!data.length) { list.replaceChildren(h("p", { text: "No appeals waiting." })); return; }
    list.replaceChildren(h("table", {},
      h("thead", {}, h("tr", {}, ...["Case", "Author", "First decided by", "State", "Take it"].map((t) => h("th", { scope: "col", text: t })))),
      h("tbody", {}, ...data.map((c) => {
        const mine = c.first_decider === me.moderator_id;
        const id = `why-${c.case_id}`;
        return h("tr", {},
          h("td", {}, h("a", { href: `#/case/${c.case_id}`, text: c.post_id })),
          h("td", { text: c.author_id }), h("td", { text: c.first_decider || "–" }),
          h("td", { text: c.state + (c.assignee ? ` (${c.assignee})` : "") }),
          h("td", {}, c.state === "open" ? h("button", {
            type: "button", "aria-disabled": mine ? "true" : null, "aria-describedby": mine ? id : null,
            onclick: async () => {
              if (mine) return;
              try { await command(c, "claim"); location.hash = `#/case/${c.case_id}`; } catch (failure) { say(failure.message, true); }
            },
          }, "Take appeal") : "", mine ? h("span", { id, class: "why", text: " You decided this case first." }) : null));
      }))));
  };
  refresh().catch((failure) => say(failure.message, true));
  live(coalesced(refresh));
}

// ---------- search ----------

function searchPage() {
  const fields = {
    post_id: h("input", { id: "s-post" }), author_id: h("input", { id: "s-author" }),
    community: h("input", { id: "s-community" }),
    state: h("select", { id: "s-state" }, ...["", "open", "claimed", "resolved"].map((s) => h("option", { value: s, text: s || "any" }))),
    since: h("input", { id: "s-since", type: "date" }), until: h("input", { id: "s-until", type: "date" }),
  };
  const results = h("div", { "aria-live": "polite" });
  let cursor = null;
  const more = h("button", { type: "button", class: "quiet", hidden: true, onclick: () => run(true) }, "More results");
  async function run(append) {
    const query = new URLSearchParams();
    for (const [name, input] of Object.entries(fields)) {
      let value = input.value.trim();
      if (!value) continue;
      if (name === "since") value = `${value}T00:00:00Z`;
      if (name === "until") value = `${value}T23:59:59Z`;
      query.set(name, value);
    }
    if (append && cursor) query.set("cursor", cursor);
    try {
      const found = await api(`/v1/moderation/cases?${query}`);
      cursor = found.next_cursor;
      more.hidden = !cursor;
      const table = caseTable(found.data);
      if (append) results.append(table); else results.replaceChildren(h("p", { class: "meta", text: `${found.data.length}${cursor ? "+" : ""} cases` }), table);
    } catch (failure) {
      results.replaceChildren(h("p", { class: "error", role: "alert", text: failure.message }));
    }
  }
  const labels = { post_id: "Post id", author_id: "Author", community: "Community", state: "State", since: "Opened from", until: "Opened until" };
  const form = h("form", { role: "search", onsubmit: (e) => { e.preventDefault(); run(false); } },
    ...Object.entries(fields).map(([name, input]) => h("label", { for: input.id }, labels[name], input)),
    h("button", { type: "submit" }, "Search"));
  page("Search cases", form, results, more);
  fields.post_id.focus();
}

// ---------- bulk actions: one action, one reason, many cases (each its own decision) ----------

function bulkPage() {
  const fields = {
    aimed_at: h("input", { id: "b-aimed" }), author_id: h("input", { id: "b-author" }),
    community: h("input", { id: "b-community" }), text: h("input", { id: "b-text" }),
    since: h("input", { id: "b-since", type: "datetime-local" }), until: h("input", { id: "b-until", type: "datetime-local" }),
  };
  const labels = { aimed_at: "Aimed at member (a pile-on's target)", author_id: "Author", community: "Community",
    text: "Text contains", since: "Opened from", until: "Opened until" };
  const verbs = ["remove", "hold", "label", "approve"].filter((v) => may(v));
  const action = h("select", { id: "b-action" }, ...verbs.map((v) => h("option", { value: v, text: v })));
  const reason = h("textarea", { id: "b-reason", rows: 2, required: true });
  const shown = h("div", { "aria-live": "polite", id: "bulk-preview" });
  const outcome = h("div", { role: "status", id: "bulk-outcome" });
  const apply = h("button", { type: "button", disabled: true }, "Apply to all");
  function selection() {
    const chosen = {};
    for (const [name, input] of Object.entries(fields)) {
      const value = input.value.trim();
      if (value) chosen[name] = name === "since" || name === "until" ? new Date(value).toISOString() : value;
    }
    return chosen;
  }
  async function preview() {
    try {
      const found = await api("/v1/moderation/bulk:preview", { method: "POST", body: { selection: selection() } });
      shown.replaceChildren(h("p", { id: "bulk-count" }, h("strong", { text: `${found.matched}${found.more ? "+" : ""} open cases` }),
        found.matched > found.cases.length ? ` (the newest ${found.cases.length} shown)` : ""), caseTable(found.cases));
      apply.disabled = found.matched === 0;
    } catch (failure) {
      shown.replaceChildren(h("p", { class: "error", role: "alert", text: failure.message }));
      apply.disabled = true;
    }
  }
  apply.addEventListener("click", async () => {
    if (!reason.value.trim()) { reason.focus(); say("A bulk action needs a reason.", true); return; }
    apply.disabled = true;
    outcome.textContent = "Working…";
    try {
      const body = { selection: selection(), action: action.value, reason: reason.value.trim(), bulk_id: crypto.randomUUID().replaceAll("-", "") };
      const done = await api("/v1/moderation/bulk", { method: "POST", body });
      const refusals = done.cases.filter((c) => c.outcome !== "done");
      outcome.replaceChildren(h("p", { id: "bulk-done" }, h("strong", { text: `${done.done} of ${done.requested} cases: ${done.action}` }),
        ` in ${done.seconds} s · refused ${done.refused} · rejected ${done.rejected} · no answer yet ${done.timed_out}`),
        refusals.length ? h("ul", {}, ...refusals.slice(0, 50).map((c) => h("li", { text: `${c.case_id}: ${c.outcome}${c.reason ? `, ${c.reason}` : ""}` }))) : null);
    } catch (failure) {
      outcome.replaceChildren(h("p", { class: "error", role: "alert", text: failure.message }));
    }
  });
  const form = h("form", { onsubmit: (e) => { e.preventDefault(); preview(); } },
    ...Object.entries(fields).map(([name, input]) => h("label", { for: input.id }, labels[name], input)),
    h("button", { type: "submit" }, "Preview"));
  const act = h("section", { class: "card", "aria-labelledby": "bulk-act-title" },
    h("h2", { id: "bulk-act-title", text: "Act on all of them" }),
    h("label", { for: "b-action" }, "Action", action), h("label", { for: "b-reason" }, "Reason (goes to every case)", reason), apply, outcome);
  page("Bulk actions", h("p", { class: "meta", text: "Up to 1,000 open cases a time; each is claimed for you and gets its own decision, statement of reasons and audit entry. Cases another moderator holds are left alone." }),
    form, act, shown);
  fields.aimed_at.focus();
}

// ---------- admin ----------

function adminPage() {
  const keysList = h("div");
  const modsList = h("div");
  const shown = h("div", { "aria-live": "polite" });
  const qualityList = h("div");
  async function refresh() {
    const [apiKeys, mods, quality] = await Promise.all([api("/v1/admin/keys"), api("/v1/admin/moderators"), api("/v1/moderation/quality")]);
    keysList.replaceChildren(credentialTable(apiKeys.data, "key_id", "name", (k) => k.scopes.join(", "), (k) => `/v1/admin/keys/${k.key_id}`));
    modsList.replaceChildren(credentialTable(mods.data, "token_id", "moderator_id", (m) => m.role, (m) => `/v1/admin/moderators/${m.token_id}`));
    qualityList.replaceChildren(quality.data.length ? h("table", { id: "quality" },
      h("thead", {}, h("tr", {}, ...["Moderator", "Decided", "Appealed", "Upheld on appeal", "Overturned on appeal", "Appeals decided", "Overturn rate", "Golden right", "Golden wrong", "Golden accuracy"].map((t) => h("th", { scope: "col", text: t })))),
      h("tbody", {}, ...quality.data.map((m) => h("tr", { "data-moderator": m.moderator_id }, h("th", { scope: "row", text: m.moderator_id }),
        ...[m.decided, m.appealed, m.upheld, m.overturned, m.reviewed].map((n) => h("td", { text: n })),
        h("td", { text: percent(m.overturn_rate) }), h("td", { text: m.golden_right }), h("td", { text: m.golden_wrong }),
        h("td", { text: percent(m.golden_accuracy) }))))) : h("p", { class: "meta", text: "No calls on record yet." }));
  }
  function credentialTable(rows, id, name, detail, path) {
    return h("table", {}, h("thead", {}, h("tr", {}, ...["Name", "Id", "Scopes or role", "State", ""].map((t) => h("th", { scope: "col", text: t })))),
      h("tbody", {}, ...rows.map((row) => h("tr", {}, h("td", { text: row[name] }), h("td", { text: row[id] }), h("td", { text: detail(row) }),
        h("td", { text: row.revoked ? "revoked" : "active" }),
        h("td", {}, row.revoked ? "" : h("button", { type: "button", class: "danger", "aria-label": `Revoke ${row[name]}`, onclick: async () => { await api(path(row), { method: "DELETE" }); say(`Revoked ${row[name]}.`); refresh(); } }, "Revoke"))))));
  }
  const keyName = h("input", { id: "key-name", required: true });
  const keyForm = h("form", { onsubmit: async (e) => {
    e.preventDefault();
    const made = await api("/v1/admin/keys", { method: "POST", body: { name: keyName.value.trim() } });
    shown.replaceChildren(h("p", { text: `API key for ${made.name} (shown once):` }), h("p", { class: "token", text: made.api_key }));
    keyName.value = ""; refresh();
  } }, h("label", { for: "key-name" }, "Key name", keyName), h("button", { type: "submit" }, "Create API key"));
  const modId = h("input", { id: "mod-id", required: true });
  const modRole = h("select", { id: "mod-role" }, ...ROLES.map((r) => h("option", { value: r, text: r.replace("_", " ") })));
  const modForm = h("form", { onsubmit: async (e) => {
    e.preventDefault();
    try {
      const made = await api("/v1/admin/moderators", { method: "POST", body: { moderator_id: modId.value.trim(), role: modRole.value } });
      shown.replaceChildren(h("p", { text: `Token for ${made.moderator_id} (${made.role}), shown once:` }), h("p", { class: "token", text: made.token }));
      modId.value = ""; refresh();
    } catch (failure) { say(failure.message, true); }
  } }, h("label", { for: "mod-id" }, "Moderator id", modId), h("label", { for: "mod-role" }, "Role", modRole), h("button", { type: "submit" }, "Create moderator token"));

  const community = h("input", { id: "policy-community", placeholder: "all communities" });
  const text = h("textarea", { id: "policy-text", class: "policy", spellcheck: "false" });
  const outcome = h("div", { role: "alert" });
  const body = () => ({ text: text.value, community: community.value.trim() || null });
  const showError = (failure) => outcome.replaceChildren(h("p", { class: "error", text: failure.message }));
  const policyForm = h("div", {},
    h("label", { for: "policy-community" }, "Community", community),
    h("button", { type: "button", class: "quiet", onclick: async () => {
      const q = community.value.trim() ? `?community=${encodeURIComponent(community.value.trim())}` : "";
      try {
        const active = await api(`/v1/admin/policies/active${q}`);
        text.value = active.text;
        outcome.replaceChildren(h("p", { text: `Active: ${active.policy_id} version ${active.version}, published by ${active.published_by} ${when(active.published_at)}.` }));
      } catch (failure) { showError(failure); }
    } }, "Load active policy"),
    h("label", { for: "policy-text", style: "display:flex" }, "Policy YAML", text),
    h("div", { class: "actions" },
      h("button", { type: "button", class: "quiet", onclick: async () => {
        try { const v = await api("/v1/admin/policies/validate", { method: "POST", body: body() }); outcome.replaceChildren(h("p", { class: "ok", text: `Valid: ${v.policy_id} version ${v.version}, rules ${v.rules.join(", ")}.` })); }
        catch (failure) { showError(failure); }
      } }, "Validate"),
      h("button", { type: "button", class: "quiet", onclick: async () => {
        try {
          const run = await api("/v1/admin/policies/dry-run", { method: "POST", body: { ...body(), last: 500 } });
          outcome.replaceChildren(h("p", { text: `Dry run on the last ${run.examined} automated decisions: ${run.changed} would change.` }),
            h("ul", {}, ...Object.entries(run.transitions).map(([t, n]) => h("li", { text: `${t}: ${n}` }))),
            h("ul", {}, ...run.examples.slice(0, 20).map((x) => h("li", { text: `${x.post_id}: ${x.before} → ${x.after} (${x.rules.join(", ") || "no rule"})` }))));
        } catch (failure) { showError(failure); }
      } }, "Dry run"),
      h("button", { type: "button", onclick: async () => {
        try { const p = await api("/v1/admin/policies", { method: "PUT", body: body() }); outcome.replaceChildren(h("p", { text: `Published ${p.policy_id} version ${p.version} as ${p.name}.` })); }
        catch (failure) { showError(failure); }
      } }, "Publish policy")),
    outcome);
  page("Admin",
    h("section", { "aria-labelledby": "keys-title" }, h("h2", { id: "keys-title", text: "API keys" }), keysList, keyForm),
    h("section", { "aria-labelledby": "mods-title" }, h("h2", { id: "mods-title", text: "Moderators" }), modsList, modForm),
    h("section", { "aria-labelledby": "quality-title" }, h("h2", { id: "quality-title", text: "Moderator quality" }),
      h("p", { class: "meta", text: "Each moderator's calls and what a second moderator made of those appealed. Per rule: the automation review figures in Grafana." }), qualityList),
    shown,
    h("section", { "aria-labelledby": "policy-title" }, h("h2", { id: "policy-title", text: "Policy" }), policyForm),
    templatesSection(), digestsSection());
  refresh().catch((failure) => say(failure.message, true));
}

// Reply templates per community (or for every one): what community managers start from.
function templatesSection() {
  const list = h("div");
  const name = h("input", { id: "tpl-name", required: true });
  const community = h("input", { id: "tpl-community", placeholder: "every community" });
  const text = h("textarea", { id: "tpl-text", rows: 3, cols: 50, required: true });
  const outcome = h("div", { role: "status" });
  const refresh = async () => {
    const found = await api("/v1/moderation/reply-templates");
    list.replaceChildren(found.data.length ? h("table", { id: "reply-templates" }, h("thead", {}, h("tr", {}, ...["Name", "Community", "Text", ""].map((t) => h("th", { scope: "col", text: t })))),
      h("tbody", {}, ...found.data.map((t) => h("tr", {}, h("th", { scope: "row", text: t.name }), h("td", { text: t.community || "every" }), h("td", { text: t.text }),
        h("td", {}, h("button", { type: "button", class: "danger", "aria-label": `Remove template ${t.name}`, onclick: async () => {
          await api(`/v1/moderation/reply-templates/${encodeURIComponent(t.name)}${t.community ? `?community=${encodeURIComponent(t.community)}` : ""}`, { method: "DELETE" });
          setTimeout(refresh, 500);
        } }, "Remove"))))))
      : h("p", { class: "meta", text: "No template yet." }));
  };
  const form = h("form", { onsubmit: async (e) => {
    e.preventDefault();
    try {
      await api(`/v1/moderation/reply-templates/${encodeURIComponent(name.value.trim())}`, { method: "PUT", body: { text: text.value, community: community.value.trim() || null } });
      outcome.replaceChildren(h("p", { text: `Template ${name.value.trim()} saved.` }));
      setTimeout(refresh, 500);
    } catch (failure) { outcome.replaceChildren(h("p", { class: "error", text: failure.message })); }
  } }, h("label", { for: "tpl-name" }, "Name", name), h("label", { for: "tpl-community" }, "Community", community),
    h("label", { for: "tpl-text" }, "Text ({community} and {theme} are filled in)", text), h("button", { type: "submit" }, "Save template"), outcome);
  refresh().catch((failure) => list.replaceChildren(h("p", { class: "error", text: failure.message })));
  return h("section", { "aria-labelledby": "templates-title" }, h("h2", { id: "templates-title", text: "Reply templates" }), list, form);
}

// Scheduled digests: a community's feedback digest by e-mail or to a chat, daily or weekly.
function digestsSection() {
  const list = h("div");
  const community = h("input", { id: "ds-community", required: true });
  const channel = h("select", { id: "ds-channel" }, h("option", { value: "email", text: "e-mail" }), h("option", { value: "chat", text: "chat webhook" }));
  const to = h("input", { id: "ds-to", size: 40, required: true });
  const every = h("select", { id: "ds-every" }, h("option", { value: "weekly", text: "weekly" }), h("option", { value: "daily", text: "daily" }));
  const kind = h("select", { id: "ds-report" }, h("option", { value: "digest", text: "feedback digest" }), h("option", { value: "health", text: "health report" }));
  const hour = h("input", { id: "ds-hour", type: "number", min: 0, max: 23, value: 8 });
  const now = h("input", { id: "ds-now", type: "checkbox" });
  const outcome = h("div", { role: "status" });
  const refresh = async () => {
    const found = await api("/v1/moderation/digest-subscriptions");
    list.replaceChildren(found.data.length ? h("table", { id: "digest-subscriptions" }, h("thead", {}, h("tr", {}, ...["Community", "To", "Every", "Last delivery", ""].map((t) => h("th", { scope: "col", text: t })))),
      h("tbody", {}, ...found.data.map((d) => h("tr", {}, h("td", { text: d.community || "–" }), h("td", { text: `${d.report === "health" ? "health report" : "digest"} by ${d.channel}: ${d.to.join(", ")}` }), h("td", { text: `${d.every} at ${d.at_hour}:00 UTC` }),
        h("td", { text: d.last.delivery_id ? (d.last.sent ? `sent ${when(d.last.at)}` : `failed ${d.last.attempts}×: ${d.last.last_error}`) : "not yet" }),
        h("td", {}, h("button", { type: "button", class: "danger", "aria-label": `Stop the digest to ${d.to.join(", ")}`, onclick: async () => { await api(`/v1/moderation/digest-subscriptions/${d.subscription_id}`, { method: "DELETE" }); setTimeout(refresh, 500); } }, "Stop"))))))
      : h("p", { class: "meta", text: "No digest is sent yet." }));
  };
  const form = h("form", { onsubmit: async (e) => {
    e.preventDefault();
    const body = { community: community.value.trim(), channel: channel.value, every: every.value, report: kind.value, at_hour: Number(hour.value) };
    if (channel.value === "email") body.emails = to.value.split(",").map((x) => x.trim()).filter(Boolean);
    else body.webhook_url = to.value.trim();
    if (now.checked) body.first_at = new Date().toISOString();
    try {
      const made = await api("/v1/moderation/digest-subscriptions", { method: "POST", body });
      outcome.replaceChildren(h("p", { text: `Digest of ${made.community} subscribed.` }), made.secret ? h("p", {}, "Chat deliveries are signed with (shown once): ", h("span", { class: "token", text: made.secret })) : "");
      setTimeout(refresh, 500);
    } catch (failure) { outcome.replaceChildren(h("p", { class: "error", text: failure.message })); }
  } }, h("label", { for: "ds-community" }, "Community", community), h("label", { for: "ds-channel" }, "Channel", channel),
    h("label", { for: "ds-to" }, "E-mail addresses (comma-separated) or webhook URL", to), h("label", { for: "ds-report" }, "What", kind), h("label", { for: "ds-every" }, "Every", every),
    h("label", { for: "ds-hour" }, "Hour (UTC)", hour), h("label", { for: "ds-now" }, now, "Send the first one now"),
    h("button", { type: "submit" }, "Subscribe"), outcome);
  refresh().catch((failure) => list.replaceChildren(h("p", { class: "error", text: failure.message })));
  return h("section", { "aria-labelledby": "digests-title" }, h("h2", { id: "digests-title", text: "Scheduled digests" }), list, form, h("button", { type: "button", class: "quiet", onclick: () => refresh() }, "Refresh"));
}


// ---------- pulse: the communities' mood, waves, crisis mode and the feedback digest ----------

const SVG = "http://www.w3.org/2000/svg";

function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

function percent(rate) {
  return rate === null || rate === undefined ? "–" : `${Math.round(rate * 100)} %`;
}

function stateBadge(c) {
  const label = c.state === "crisis" ? "crisis mode" : c.state === "wave" ? (c.escalated ? "wave (escalated)" : "wave") : "calm";
  return h("span", { class: `state ${c.state}`, text: label });
}

function shortest(latest) {
  const lengths = Object.keys(latest || {}).map(Number).sort((a, b) => a - b);
  return lengths.length ? latest[String(lengths[0])] : null;
}

function crisisForm(name, c, done) {
  const on = c.state === "crisis";
  const reason = h("input", { id: `crisis-reason-${name}`, required: true, minlength: 3, placeholder: on ? "why it can end" : "why" });
  return h("form", { class: "inline", onsubmit: async (e) => {
    e.preventDefault();
    try {
      await api(`/v1/admin/communities/${encodeURIComponent(name)}/crisis`, { method: "PUT", body: { on: !on, reason: reason.value.trim() } });
      say(on ? `Crisis mode lifted in ${name}; it applies to the next posts.` : `Crisis mode on in ${name}; it applies to the next posts.`);
      done();
    } catch (failure) { say(failure.message, true); }
  } }, h("label", { for: `crisis-reason-${name}`, class: "visually-hidden" }, `Reason for ${name}`), reason,
  h("button", { type: "submit", class: on ? "quiet" : "danger" }, on ? "Lift crisis mode" : "Switch crisis mode on"));
}

function alertItem(a, shieldMember) {
  const kind = h("strong", { text: a.kind.replaceAll("_", " ") });
  if (a.target) {
    const shield = shieldMember && a.kind === "pile_on_started" ? h("button", { type: "button", class: "quiet", onclick: () => shieldMember(a.target) }, `Shield ${a.target}…`) : "";
    return h("li", { class: "pile-on" }, kind, ` ${when(a.at)}: ${a.authors} members' negative replies aimed at `,
      h("strong", { text: a.target }), ` (${percent(a.negative_rate)} of ${a.volume}), against a usual of ${a.baseline_negative_rate} `, shield);
  }
  return h("li", {}, kind, ` ${when(a.at)}: ${percent(a.negative_rate)} negative of ${a.volume} posts against a normal of ${percent(a.baseline_negative_rate)}`);
}

function pulsePage() {
  const rows = h("tbody");
  page("Community pulse",
    h("p", { class: "meta", text: "Each community's mood in its latest short window, updated every 3 seconds. A wave is negativity well above the community's own normal." }),
    h("table", {}, h("thead", {}, h("tr", {}, ...["Community", "State", "Posts", "Negative", "Toxic", "Civil criticism", "Actioned", ""].map((t) => h("th", { scope: "col", text: t })))), rows));
  const refresh = async () => {
    const { data } = await api("/v1/communities");
    rows.replaceChildren(...data.map((c) => {
      const name = c.community ?? "_";
      const w = shortest(c.latest_windows) || {};
      return h("tr", { "data-community": name },
        h("th", { scope: "row" }, h("a", { href: `#/pulse/${encodeURIComponent(name)}`, text: c.community ?? "(no community)" })),
        h("td", {}, stateBadge(c)),
        h("td", { text: w.volume ?? "–" }), h("td", { text: percent(w.negative_rate) }), h("td", { text: percent(w.toxicity_rate) }),
        h("td", { text: percent(w.civil_negative_rate) }), h("td", { text: percent(w.actioned_share) }),
        h("td", {}, me.role === "admin" ? crisisForm(name, c, refresh) : ""));
    }));
    if (!data.length) rows.replaceChildren(h("tr", {}, h("td", { colspan: 8, text: "No community has a closed window yet." })));
  };
  every(MOOD_POLL_MS, () => refresh().catch((failure) => say(failure.message, true)));
}

function moodChart(windows) {
  const width = 720, height = 180, pad = 28;
  const n = windows.length;
  const x = (i) => pad + (n <= 1 ? 0 : (i * (width - 2 * pad)) / (n - 1));
  const y = (rate) => height - pad - rate * (height - 2 * pad);
  const most = Math.max(1, ...windows.map((w) => w.volume));
  const bars = windows.map((w, i) => svg("rect", { class: "volume", x: x(i) - 3, width: 6, y: height - pad - (w.volume / most) * (height - 2 * pad), height: (w.volume / most) * (height - 2 * pad) }));
  const line = (field, cls) => svg("polyline", { class: cls, fill: "none", points: windows.map((w, i) => `${x(i)},${y(w[field])}`).join(" ") });
  const last = windows[n - 1] || {};
  const summary = n ? `Last ${n} windows: negative rate now ${percent(last.negative_rate)}, toxic ${percent(last.toxicity_rate)}, ${last.volume} posts.` : "No windows yet.";
  return svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": summary, class: "chart" },
    svg("line", { class: "axis", x1: pad, y1: height - pad, x2: width - pad, y2: height - pad }),
    svg("text", { x: 2, y: y(1) + 4, class: "tick" }, "100%"), svg("text", { x: 8, y: y(0) + 4, class: "tick" }, "0%"),
    ...bars, line("negative_rate", "negative"), line("toxicity_rate", "toxic"), line("civil_negative_rate", "civil"));
}

function digestSection(name) {
  const since = h("select", { id: "digest-since" }, ...[["24h", "last 24 hours"], ["7d", "last 7 days"], ["30d", "last 30 days"]].map(([v, t]) => h("option", { value: v, text: t, selected: v === "7d" })));
  const body = h("div", { "aria-live": "polite" });
  const base = () => `/v1/feedback/digest?community=${encodeURIComponent(name)}&since=${since.value}`;
  const downloads = h("p", { class: "actions" });
  const manage = h("div");
  const load = async () => {
    downloads.replaceChildren(h("a", { href: `${base()}&format=markdown`, download: `feedback-${name}.md` }, "Download Markdown"),
      h("a", { href: `${base()}&format=csv`, download: `feedback-${name}.csv` }, "Download CSV"));
    try {
      const d = await api(base());
      const spoken = (d.languages || []).map((l) => `${l.language || "undetermined"} ${l.total}`).join(", ");
      body.replaceChildren(h("p", { class: "meta", text: `${d.total} posts of civil criticism, ${d.unthemed} in no theme.${spoken ? ` By language: ${spoken}.` : ""}` }),
        d.themes.length ? h("table", { id: "digest" }, h("thead", {}, h("tr", {}, ...["Theme", "Language", "Posts", "Period before", "Trend", "Status", "Example"].map((t) => h("th", { scope: "col", text: t })))),
          h("tbody", {}, ...d.themes.map((t) => h("tr", {}, h("th", { scope: "row", text: t.theme }), h("td", { text: t.language || "undetermined" }), h("td", { text: t.count }), h("td", { text: t.previous }),
            h("td", { text: t.trend === null ? "new" : `${t.trend >= 0 ? "+" : ""}${Math.round(t.trend * 100)} %` }),
            h("td", {}, h("span", { text: t.owner ? `${t.status} · ${t.owner} ` : `${t.status} ` }),
              t.tracker_url ? h("a", { href: t.tracker_url, rel: "noreferrer", text: "tracker" }) : "",
              atLeast("community_manager") ? h("button", { type: "button", class: "quiet", "aria-label": `Manage ${t.theme}`, onclick: () => manage.replaceChildren(themeForm(name, t, since.value, load)) }, "Manage") : ""),
            h("td", { class: "post-text", text: t.examples[0] ? t.examples[0].text : "" }))))) : h("p", { text: "No theme yet: fewer than two posts share one." }));
    } catch (failure) { body.replaceChildren(h("p", { class: "error", text: failure.message })); }
  };
  since.addEventListener("change", load);
  load();
  return h("section", { "aria-labelledby": "digest-title" }, h("h2", { id: "digest-title", text: "Feedback for the product team" }),
    h("label", { for: "digest-since" }, "Period", since), downloads, body, manage);
}

// How long members waited for a first reply, per queue, over the last 7 days.
function responsesSection(name) {
  const body = h("div");
  const minutes = (s) => (s === null ? "–" : s < 90 ? `${Math.round(s)} s` : `${Math.round(s / 60)} min`);
  api("/v1/moderation/responses?days=7").then((found) => {
    const rows = found.data.filter((r) => (r.community ?? "_") === name);
    body.replaceChildren(rows.length ? h("table", { id: "responses" }, h("thead", {}, h("tr", {}, ...["Queue", "First replies", "Mean wait", "Within 15 min", "Within 4 h"].map((t) => h("th", { scope: "col", text: t })))),
      h("tbody", {}, ...rows.map((r) => h("tr", {}, h("th", { scope: "row", text: r.queue }), h("td", { text: r.answered }), h("td", { text: minutes(r.mean_seconds) }),
        h("td", { text: r.within.le15 }), h("td", { text: r.within.le240 })))))
      : h("p", { class: "meta", text: "No reply to a case of this community in 7 days." }));
  }).catch((failure) => body.replaceChildren(h("p", { class: "error", text: failure.message })));
  return h("section", { "aria-labelledby": "responses-title" }, h("h2", { id: "responses-title", text: "Time to first response" }), body);
}

// A theme the product team owns: its status, owner and tracker link (events the digest shows);
// once fixed, every member whose remark it took is told, once each, after a preview.
function themeForm(community, t, since, reload) {
  const status = h("select", { id: "theme-status" }, ...["new", "forwarded", "planned", "fixed", "declined"].map((v) => h("option", { value: v, text: v, selected: v === t.status })));
  const owner = h("input", { id: "theme-owner", value: t.owner || "", size: 24 });
  const tracker = h("input", { id: "theme-tracker", type: "url", value: t.tracker_url || "", size: 40, placeholder: "https://…" });
  const outcome = h("p", { role: "status" });
  const named = { community, theme: t.theme, language: t.language };
  const save = async (event) => {
    event.preventDefault();
    try {
      await api("/v1/moderation/themes", { method: "PUT", body: { ...named, status: status.value, owner: owner.value.trim() || null, tracker_url: tracker.value.trim() || null } });
      outcome.textContent = `Saved: ${t.theme} is ${status.value}.`;
      setTimeout(reload, 1000);  // pulse shows it in the digest a moment later
    } catch (failure) { outcome.textContent = failure.message; }
  };
  const form = h("section", { class: "card", "aria-labelledby": "theme-title" }, h("h3", { id: "theme-title", text: `Theme: ${t.theme}` }),
    h("form", { onsubmit: save }, h("label", { for: "theme-status" }, "Status", status), h("label", { for: "theme-owner" }, "Owner on the product team", owner),
      h("label", { for: "theme-tracker" }, "Tracker link", tracker), h("div", { class: "actions" }, h("button", { type: "submit" }, "Save status")), outcome));
  if (t.status === "fixed") form.append(tellMembers(named, since));
  return form;
}

function tellMembers(named, since) {
  const text = h("textarea", { id: "tell-text", rows: 3, cols: 50 });
  text.value = "Thanks for telling us about {theme}: it is fixed now.";
  const result = h("div", { role: "status" });
  const tell = async (send) => {
    try {
      const r = await api("/v1/moderation/themes/tell-members", { method: "POST", body: { ...named, text: text.value, since, send } });
      result.replaceChildren(send
        ? h("p", { text: `Sent to ${r.sent} members (${r.already_sent} already told).` })
        : h("div", {}, h("p", { text: `Reaches ${r.reached.length} of ${r.members} members: “${r.text}”` }),
          h("ul", {}, ...r.reached.slice(0, 20).map((m) => h("li", { text: `${m.author_id} (post ${m.post_id})` })))));
    } catch (failure) { result.replaceChildren(h("p", { class: "error", text: failure.message })); }
  };
  return h("div", {}, h("h4", { text: "Tell the members" }),
    h("label", { for: "tell-text" }, "Reply to each member ({theme} and {community} are filled in)", text),
    h("div", { class: "actions" }, h("button", { type: "button", class: "quiet", onclick: () => tell(false) }, "Preview"),
      h("button", { type: "button", onclick: () => tell(true) }, "Send to members")), result);
}

// An admin shields a member from a pile-on by hand, or lifts a shield (the form is not redrawn
// by the page's refresh, so what is typed stays).
function shieldSection(name) {
  const member = h("input", { id: "shield-member", required: true, maxlength: 256, autocomplete: "off" });
  const reason = h("input", { id: "shield-reason", required: true, minlength: 3, maxlength: 500 });
  const outcome = h("p", { role: "status" });
  const send = async (on) => {
    if (!member.reportValidity() || !reason.reportValidity()) return;
    try {
      await api(`/v1/admin/communities/${encodeURIComponent(name)}/shields/${encodeURIComponent(member.value.trim())}`, { method: "PUT", body: { on, reason: reason.value.trim() } });
      outcome.textContent = on ? `${member.value.trim()} is shielded here from the next posts on.` : `The shield over ${member.value.trim()} is lifted.`;
    } catch (failure) { outcome.textContent = failure.message; }
  };
  const section = h("section", { "aria-labelledby": "shield-title" }, h("h2", { id: "shield-title", text: "Shield a member" }),
    h("p", { class: "meta", text: "Replies and mentions aimed at a shielded member here are judged more strictly, and new accounts' replies are held." }),
    h("form", { class: "inline", onsubmit: (e) => { e.preventDefault(); send(true); } },
      h("label", { for: "shield-member" }, "Member", member), h("label", { for: "shield-reason" }, "Reason", reason),
      h("button", { type: "submit", class: "danger" }, "Shield"), h("button", { type: "button", class: "quiet", onclick: () => send(false) }, "Lift shield")), outcome);
  const fill = (target) => { member.value = target; reason.focus(); };
  return { section, fill };
}

const NO_WINDOW = "No window of this community yet.";

function communityPage(name) {
  const status = h("p");
  const chart = h("div");
  const table = h("div");
  const alerts = h("ul", { class: "trail" });
  let windowSeconds = null;
  const report = h("a", { href: `/v1/moderation/reports/health?community=${encodeURIComponent(name)}&days=7&format=html` }, "Health report, last 7 days");
  const shields = me.role === "admin" ? shieldSection(name) : null;
  page(`Pulse: ${name === "_" ? "(no community)" : name}`, status, h("p", {}, report),
    h("section", { "aria-labelledby": "mood-title" }, h("h2", { id: "mood-title", text: "Mood" }),
      h("p", { class: "meta legend" }, h("span", { class: "key negative", text: "negative" }), h("span", { class: "key toxic", text: "toxic" }), h("span", { class: "key civil", text: "civil criticism" }), h("span", { class: "key volume", text: "posts (bars)" })),
      chart, h("details", {}, h("summary", { text: "The windows as a table" }), table)),
    h("section", { "aria-labelledby": "alerts-title" }, h("h2", { id: "alerts-title", text: "Alerts" }), alerts),
    shields ? shields.section : "", responsesSection(name), digestSection(name));
  const refresh = async () => {
    if (windowSeconds === null) {
      const { data } = await api("/v1/communities");
      const found = data.find((c) => (c.community ?? "_") === name);
      const lengths = Object.keys(found?.latest_windows || {}).map(Number).sort((a, b) => a - b);
      if (!lengths.length) throw new ApiFailure(404, {}); // no window closed yet: ask again next time
      windowSeconds = lengths[0];
    }
    const p = await api(`/v1/communities/${encodeURIComponent(name)}/pulse?window=${windowSeconds}&last=48`);
    const since = p.state === "crisis" ? p.crisis.since : p.since;
    status.replaceChildren(stateBadge(p), since ? ` since ${when(since)}` : "", p.crisis ? h("span", { class: "meta", text: ` · crisis mode ${p.crisis.on ? "on" : "off"} by ${p.crisis.actor}: ${p.crisis.reason}` }) : "");
    chart.replaceChildren(moodChart(p.windows));
    table.replaceChildren(h("table", {}, h("thead", {}, h("tr", {}, ...["Window end", "Posts", "Negative", "Toxic", "Civil criticism", "Strikes"].map((t) => h("th", { scope: "col", text: t })))),
      h("tbody", {}, ...p.windows.slice().reverse().map((w) => h("tr", {}, h("td", { text: when(w.ends_at) }), h("td", { text: w.volume }), h("td", { text: percent(w.negative_rate) }), h("td", { text: percent(w.toxicity_rate) }), h("td", { text: percent(w.civil_negative_rate) }), h("td", { text: w.strikes }))))));
    alerts.replaceChildren(...(p.alerts.length ? p.alerts.map((a) => alertItem(a, shields?.fill)) : [h("li", { text: "No alert yet." })]));
    if (flash.textContent === NO_WINDOW) say("");
  };
  every(MOOD_POLL_MS, () => refresh().catch((failure) => say(failure.status === 404 ? NO_WINDOW : failure.message, true)));
}

// ---------- routing ----------

function route() {
  if (!me) { showSignIn(); return; }
  leave();
  const [, view, arg] = location.hash.split("/");
  const id = arg ? decodeURIComponent(arg) : null;
  say("");
  if (view === "case" && id) casePage(id);
  else if (view === "appeals") appealsPage();
  else if (view === "search") searchPage();
  else if (view === "bulk") bulkPage();
  else if (view === "admin" && me.role === "admin") adminPage();
  else if (view === "pulse" && id) communityPage(id);
  else if (view === "pulse") pulsePage();
  else queuesPage(view === "queues" ? id : null);
  main.focus({ preventScroll: true });
}

window.addEventListener("hashchange", route);

(async () => {
  try {
    me = await api("/console/session");
    signedIn();
  } catch {
    showSignIn();
  }
})();
