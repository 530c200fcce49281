//! The review page: `GET /` lists the repositories, `GET /ui/{repo}` lets a person pick
//! two revisions (branches, tags, recent commits, or a merge request) and shows the
//! changed files with their stats and rendered diffs.
//!
//! Plain server-rendered HTML with one inline script and one inline stylesheet, no build
//! step and nothing fetched from elsewhere: the script reads the diff from the native
//! API (`/repos/{repo}/diff?format=ndjson&filter=true`, [`super::native`]) and renders
//! each file as its line arrives. Everything from the repository (names, paths, subjects,
//! contents) is hostile: the server escapes what it writes, the script only ever sets
//! `textContent` and attributes, and the Content-Security-Policy allows only this
//! script and stylesheet (by hash) and requests to this server.

use super::error::Service;
use super::mr;
use super::native;
use super::repos::{self, Layout};
use super::routes::{Param, Route};
use super::AppState;
use crate::api::{DiffOptions, History, HistoryRequest};
use crate::refs::Refs;
use crate::repo::Repository;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::fmt::Write as _;
use std::sync::OnceLock;

/// Recent commits offered in the revision pickers.
const RECENT: usize = 30;

const PAGE_PARAMS: &[Param] = &[
    Param::query(
        "from",
        "The old revision to preselect (and compare at once).",
    ),
    Param::query("to", "The new revision to preselect (and compare at once)."),
];

/// The routes of the review page.
pub fn routes() -> Vec<Route> {
    vec![
        Route::new(
            "GET",
            "/",
            Service::Native,
            "The review page's start: the served repositories, each linking to its page (HTML).",
            &[],
            get(index),
        )
        .produces(&["text/html"]),
        Route::new(
            "GET",
            "/ui/{repo}",
            Service::Native,
            "A repository's review page: pick two revisions or a merge request, see the changed files and their diffs (HTML; `from`, `to` preselect).",
            PAGE_PARAMS,
            get(page),
        )
        .produces(&["text/html"]),
    ]
}

/// `s` escaped for HTML text and quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `s` percent-encoded as one URL path segment (everything but unreserved characters).
pub fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

const STYLE: &str = r#"
body{font:14px/1.4 system-ui,sans-serif;margin:0 1.5em 2em;color:#1f2328}
header{display:flex;gap:.6em;align-items:baseline}
h1{font-size:1.4em}h2{font-size:1em;margin:0;padding:.4em .6em;background:#f6f8fa;border-bottom:1px solid #d0d7de}
form{display:flex;flex-wrap:wrap;gap:1em;align-items:end;margin:.5em 0 1em}
label{display:flex;flex-direction:column;font-size:.85em;color:#59636e}
select{max-width:28em}
table{border-collapse:collapse}
#files td,#files th{padding:.15em .6em;text-align:left}
#files .adds{color:#1a7f37}#files .dels{color:#d1242f}
.badge{display:inline-block;font-size:.8em;padding:0 .45em;border-radius:1em;background:#eaeef2;margin-right:.3em}
.badge.filtered{background:#fff8c5}.badge.binary{background:#ddf4ff}
section.diff{border:1px solid #d0d7de;border-radius:6px;margin:1em 0;overflow:auto}
section.diff table{width:100%;font:12px/1.45 ui-monospace,monospace}
td.num{color:#8c959f;text-align:right;padding:0 .5em;user-select:none;width:1%;white-space:nowrap}
td.code{white-space:pre;padding:0 .6em}
tr.add{background:#e6ffec}tr.del{background:#ffebe9}
tr.hunk-header td{background:#ddf4ff;color:#59636e}
tr.eof td.code{color:#8c959f}
p.note{margin:.5em .8em;color:#59636e}
.error{color:#d1242f}
"#;

const SCRIPT: &str = r#"
(function () {
  'use strict';
  var repo = document.body.getAttribute('data-repo');
  var form = document.getElementById('pick');
  var from = document.getElementById('from');
  var to = document.getElementById('to');
  var mr = document.getElementById('mr');
  var summary = document.getElementById('summary');
  var rows = document.querySelector('#files tbody');
  var diffs = document.getElementById('diffs');

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function choose(select, value) {
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].value === value) { select.selectedIndex = i; return; }
    }
    var o = el('option', '', value);
    o.value = value;
    select.appendChild(o);
    select.value = value;
  }
  function range(start, len) { return len === 1 ? String(start) : start + ',' + len; }
  var names = {A: 'added', D: 'deleted', M: 'modified', T: 'type changed', R: 'renamed', C: 'copied'};

  function fileRow(f, n) {
    var tr = el('tr', 'file');
    tr.setAttribute('data-path', f.path);
    var st = el('td', 'status', f.status);
    st.title = names[f.status] || f.status;
    tr.appendChild(st);
    var p = el('td', 'path');
    var a = el('a');
    a.href = '#file-' + n;
    a.textContent = f.old_path !== undefined ? f.old_path + ' \u2192 ' + f.path : f.path;
    p.appendChild(a);
    tr.appendChild(p);
    tr.appendChild(el('td', 'adds', f.binary ? '' : '+' + f.additions));
    tr.appendChild(el('td', 'dels', f.binary ? '' : '\u2212' + f.deletions));
    var notes = el('td', 'notes');
    if (f.binary) notes.appendChild(el('span', 'badge binary', 'binary'));
    if (f.filtered) notes.appendChild(el('span', 'badge filtered', 'filtered: ' + f.filtered));
    if (f.old_mode !== f.new_mode && f.old_mode !== '000000' && f.new_mode !== '000000') {
      notes.appendChild(el('span', 'badge mode', 'mode ' + f.old_mode + ' \u2192 ' + f.new_mode));
    }
    tr.appendChild(notes);
    return tr;
  }

  function fileDiff(f, n) {
    var s = el('section', 'diff');
    s.id = 'file-' + n;
    s.setAttribute('data-path', f.path);
    s.appendChild(el('h2', 'name', f.old_path !== undefined ? f.old_path + ' \u2192 ' + f.path : f.path));
    if (f.filtered) {
      s.appendChild(el('p', 'note', 'Diff withheld: ' + f.filtered.replace(/_/g, ' ') + '.'));
      return s;
    }
    if (f.binary) {
      s.appendChild(el('p', 'note', 'Binary file (' + f.old_size + ' \u2192 ' + f.new_size + ' bytes).'));
      return s;
    }
    var hunks = f.hunks || [];
    if (!hunks.length) {
      s.appendChild(el('p', 'note', f.old_path !== undefined ? 'Renamed without changes.' : 'No content changes.'));
      return s;
    }
    var t = el('table');
    hunks.forEach(function (h) {
      var hr = el('tr', 'hunk-header');
      hr.appendChild(el('td', 'num'));
      hr.appendChild(el('td', 'num'));
      var head = '@@ -' + range(h.old_start, h.old_lines) + ' +' + range(h.new_start, h.new_lines) + ' @@';
      hr.appendChild(el('td', 'code', h.function ? head + ' ' + h.function : head));
      t.appendChild(hr);
      h.lines.forEach(function (l) {
        var kind = l.kind === 'added' ? 'add' : l.kind === 'deleted' ? 'del' : 'ctx';
        var tr = el('tr', 'line ' + kind);
        tr.appendChild(el('td', 'num', l.old_line === undefined ? '' : String(l.old_line)));
        tr.appendChild(el('td', 'num', l.new_line === undefined ? '' : String(l.new_line)));
        var sign = kind === 'add' ? '+' : kind === 'del' ? '-' : ' ';
        tr.appendChild(el('td', 'code', sign + l.content));
        t.appendChild(tr);
        if (l.no_newline) {
          var e = el('tr', 'eof');
          e.appendChild(el('td', 'num'));
          e.appendChild(el('td', 'num'));
          e.appendChild(el('td', 'code', '\\ No newline at end of file'));
          t.appendChild(e);
        }
      });
    });
    s.appendChild(t);
    return s;
  }

  function fail(message) {
    summary.textContent = '';
    summary.appendChild(el('span', 'error', message));
    document.body.setAttribute('data-state', 'error');
  }

  async function compare() {
    var q = new URLSearchParams();
    if (from.value) q.set('from', from.value);
    q.set('to', to.value);
    history.replaceState(null, '', '?' + q.toString());
    q.set('filter', 'true');
    q.set('format', 'ndjson');
    rows.textContent = '';
    diffs.textContent = '';
    summary.textContent = 'Loading\u2026';
    document.body.setAttribute('data-state', 'loading');
    var n = 0, adds = 0, dels = 0, failed = null;
    function take(line) {
      var f = JSON.parse(line);
      if (f.error !== undefined) { failed = f.error; return; }
      n += 1; adds += f.additions; dels += f.deletions;
      rows.appendChild(fileRow(f, n));
      diffs.appendChild(fileDiff(f, n));
    }
    try {
      var resp = await fetch('/repos/' + encodeURIComponent(repo) + '/diff?' + q.toString(),
                             {headers: {Accept: 'application/x-ndjson'}});
      if (!resp.ok) {
        var body = await resp.json().catch(function () { return {error: resp.statusText}; });
        return fail(String(body.error));
      }
      var reader = resp.body.getReader(), dec = new TextDecoder(), buf = '';
      for (;;) {
        var r = await reader.read();
        if (r.done) break;
        buf += dec.decode(r.value, {stream: true});
        var i;
        while ((i = buf.indexOf('\n')) >= 0) {
          var line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if (line) take(line);
        }
      }
      if (buf.trim()) take(buf);
    } catch (e) {
      return fail(String(e));
    }
    if (failed !== null) return fail(String(failed));
    summary.textContent = n + (n === 1 ? ' file' : ' files') + ' changed, ' + adds +
      ' insertions(+), ' + dels + ' deletions(-)';
    document.body.setAttribute('data-state', 'done');
  }

  if (mr) {
    mr.addEventListener('change', function () {
      var o = mr.options[mr.selectedIndex];
      if (!o || !o.value) return;
      choose(from, o.getAttribute('data-from'));
      choose(to, o.getAttribute('data-to'));
      compare();
    });
  }
  form.addEventListener('submit', function (ev) { ev.preventDefault(); compare(); });
  var params = new URLSearchParams(location.search);
  if (params.has('to') || params.has('from')) compare();
})();
"#;

/// The Content-Security-Policy of the pages: only [`SCRIPT`] and [`STYLE`] (by hash),
/// requests only to this server.
fn csp() -> &'static str {
    static CSP: OnceLock<String> = OnceLock::new();
    CSP.get_or_init(|| {
        use base64::Engine as _;
        use sha2::{Digest, Sha256};
        let hash = |s: &str| base64::engine::general_purpose::STANDARD.encode(Sha256::digest(s));
        format!(
            "default-src 'none'; script-src 'sha256-{}'; style-src 'sha256-{}'; connect-src 'self'; \
             img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
            hash(SCRIPT),
            hash(STYLE)
        )
    })
}

/// An HTML response with the page headers.
fn html(status: StatusCode, body: String) -> Response {
    let mut resp = (status, body).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(csp()) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    resp
}

/// A whole page around `body` (already escaped), `repo` for the script.
fn document(title: &str, repo: Option<&str>, body: &str) -> String {
    let data = repo.map_or(String::new(), |r| format!(" data-repo=\"{}\"", escape(r)));
    let script = repo.map_or(String::new(), |_| format!("<script>{SCRIPT}</script>"));
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\"><link rel=\"icon\" href=\"data:,\"><title>{} \u{b7} oxgit review</title>\
         <style>{STYLE}</style></head>\n<body{data}>\n{body}\n{script}\n</body></html>\n",
        escape(title)
    )
}

fn not_found(what: &str) -> Response {
    let body = format!(
        "<header><a href=\"/\">repositories</a></header><h1>Not found</h1><p class=\"error\">{}</p>",
        escape(what)
    );
    html(StatusCode::NOT_FOUND, document("Not found", None, &body))
}

/// The names of the served repositories, sorted.
fn repo_names(layout: &Layout) -> Vec<String> {
    match layout {
        Layout::Single { name, .. } => vec![name.clone()],
        Layout::Root(root) => {
            let mut names: Vec<String> = repos::list_repos(root, root)
                .into_iter()
                .filter(|d| repos::open_in(root, d).is_some())
                .map(|d| repos::repo_name(&d))
                .collect();
            names.sort();
            names.dedup();
            names
        }
    }
}

async fn index(State(st): State<AppState>) -> Response {
    let layout = st.layout().clone();
    let names = match st.pool().run(move || repo_names(&layout)).await {
        Ok(n) => n,
        Err(f) => return Service::Native.render(&f),
    };
    let mut body = String::from("<header><h1>Repositories</h1></header>\n<ul id=\"repos\">\n");
    for n in &names {
        let _ = writeln!(
            body,
            "<li><a href=\"/ui/{}\">{}</a></li>",
            escape(&encode_segment(n)),
            escape(n)
        );
    }
    body.push_str("</ul>\n");
    if names.is_empty() {
        body.push_str("<p class=\"note\">No repositories are served.</p>\n");
    }
    html(StatusCode::OK, document("Repositories", None, &body))
}

/// What the pickers offer.
struct Choices {
    /// The branch HEAD is on (full name), or `HEAD`.
    head: String,
    branches: Vec<String>,
    tags: Vec<String>,
    /// `(id, subject)`, newest first.
    commits: Vec<(String, String)>,
    /// The merge requests' latest records.
    mrs: Vec<mr::Record>,
}

fn choices(repo: &Repository) -> Choices {
    let refs = Refs::new(repo);
    let listed = refs.listed().unwrap_or_default();
    let names = |prefix: &str| -> Vec<String> {
        listed
            .iter()
            .filter(|r| r.name.starts_with(prefix) && !r.broken)
            .map(|r| r.name.clone())
            .collect()
    };
    let branches = names("refs/heads/");
    let head = refs
        .listed_head()
        .ok()
        .flatten()
        .and_then(|h| h.target)
        .filter(|t| branches.contains(t))
        .unwrap_or_else(|| "HEAD".into());
    let tips: Vec<String> = if branches.is_empty() {
        vec!["HEAD".into()]
    } else {
        branches.clone()
    };
    let commits = HistoryRequest::from_revisions(repo, &tips, DiffOptions::default())
        .and_then(|r| {
            let mut out = Vec::new();
            for c in History::new(repo, &r.max_count(RECENT))? {
                let c = c?;
                let subject = String::from_utf8_lossy(&c.parsed().subject()).into_owned();
                out.push((c.id.to_hex(), subject));
            }
            Ok(out)
        })
        .unwrap_or_default();
    Choices {
        head,
        tags: names("refs/tags/"),
        branches,
        commits,
        mrs: mr::list(repo).unwrap_or_default(),
    }
}

/// A `<select>` over the choices, `selected` preselected (added if not offered).
fn picker(id: &str, c: &Choices, selected: &str, parent_option: bool) -> String {
    let short = |n: &str, p: &str| n.strip_prefix(p).unwrap_or(n).to_string();
    let first = if parent_option {
        ("", "(the parent of \u{201c}to\u{201d})".to_string())
    } else {
        ("HEAD", "HEAD".to_string())
    };
    let groups: Vec<(&str, Vec<(String, String)>)> = vec![
        ("", vec![(first.0.to_string(), first.1)]),
        (
            "Branches",
            c.branches
                .iter()
                .map(|b| (b.clone(), short(b, "refs/heads/")))
                .collect(),
        ),
        (
            "Tags",
            c.tags
                .iter()
                .map(|t| (t.clone(), short(t, "refs/tags/")))
                .collect(),
        ),
        (
            "Recent commits",
            c.commits
                .iter()
                .map(|(id, subject)| {
                    let subject: String = subject.chars().take(60).collect();
                    (id.clone(), format!("{} {subject}", &id[..id.len().min(10)]))
                })
                .collect(),
        ),
    ];
    let offered = groups.iter().flat_map(|g| &g.1).any(|(v, _)| v == selected);
    let mut s = format!("<select id=\"{id}\" name=\"{id}\">");
    let mut found = false;
    let given = (!offered).then(|| ("Given", vec![(selected.to_string(), selected.to_string())]));
    for (label, items) in groups.iter().chain(given.iter()) {
        if items.is_empty() {
            continue;
        }
        if !label.is_empty() {
            let _ = write!(s, "<optgroup label=\"{label}\">");
        }
        for (value, text) in items {
            let sel = if value == selected && !found {
                found = true;
                " selected"
            } else {
                ""
            };
            let _ = write!(
                s,
                "<option value=\"{}\"{sel}>{}</option>",
                escape(value),
                escape(text)
            );
        }
        if !label.is_empty() {
            s.push_str("</optgroup>");
        }
    }
    s.push_str("</select>");
    s
}

fn mr_picker(c: &Choices) -> String {
    if c.mrs.is_empty() {
        return String::new();
    }
    let mut s =
        String::from("<label>merge request <select id=\"mr\"><option value=\"\">\u{2014}</option>");
    for r in &c.mrs {
        let m = &r.mr;
        let _ = write!(
            s,
            "<option value=\"{}\" data-from=\"{}\" data-to=\"{}\">!{} {} ({} \u{2192} {}, {})</option>",
            m.iid,
            r.version.base_sha.to_hex(),
            r.version.head_sha.to_hex(),
            m.iid,
            escape(&m.title),
            escape(&m.source_branch),
            escape(&m.target_branch),
            m.state.name()
        );
    }
    s.push_str("</select></label>");
    s
}

fn render_page(name: &str, c: &Choices, from: &str, to: &str) -> String {
    let to = if to.is_empty() { c.head.as_str() } else { to };
    format!(
        "<header><a href=\"/\">repositories</a><span>/</span><h1>{}</h1></header>\n\
         <form id=\"pick\" method=\"get\">\
         <label>from {}</label><label>to {}</label>{}\
         <button type=\"submit\" id=\"compare\">Compare</button></form>\n\
         <p id=\"summary\" aria-live=\"polite\">Pick two revisions and compare.</p>\n\
         <table id=\"files\"><thead><tr><th>status</th><th>path</th><th>added</th><th>deleted</th><th>notes</th></tr></thead><tbody></tbody></table>\n\
         <div id=\"diffs\"></div>",
        escape(name),
        picker("from", c, from, true),
        picker("to", c, to, false),
        mr_picker(c),
    )
}

async fn page(
    State(st): State<AppState>,
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let Ok(Path(name)) = path else {
        return not_found("no such repository");
    };
    let query = query.map(|Query(q)| q).unwrap_or_default();
    let last = |k: &str| {
        query
            .iter()
            .rev()
            .find(|(n, _)| n == k)
            .map_or(String::new(), |(_, v)| v.clone())
    };
    let (from, to) = (last("from"), last("to"));
    let layout = st.layout().clone();
    let work = move || {
        let repo = native::open(&layout, &name)?;
        let c = choices(&repo);
        Some(render_page(&name, &c, &from, &to)).map(|body| document(&name, Some(&name), &body))
    };
    match st.pool().run(work).await {
        Ok(Some(doc)) => html(StatusCode::OK, doc),
        Ok(None) => not_found("no such repository"),
        Err(f) => Service::Native.render(&f),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(
            escape(r#"<img src=x onerror="alert('1')">&"#),
            "&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;"
        );
        assert_eq!(encode_segment("a b/<c>é"), "a%20b%2F%3Cc%3E%C3%A9");
        assert_eq!(encode_segment("demo-1.git_~"), "demo-1.git_~");
    }

    #[test]
    fn the_policy_names_the_inline_script_and_style() {
        let p = csp();
        assert!(
            p.starts_with("default-src 'none'; script-src 'sha256-"),
            "{p}"
        );
        assert!(!p.contains("unsafe"), "{p}");
        assert_eq!(p.matches("'sha256-").count(), 2, "{p}");
    }
}
