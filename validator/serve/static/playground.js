// The playground: sends the payload to POST /v1/lint and shows the findings listed and marked in the text.
// Every value from the payload or the server reaches the page through textContent (never innerHTML), with control
// and bidi characters shown escaped, and the token stays in the password field: it is sent as a header, never stored
// or put in a URL.
"use strict";

(function () {
  var form = document.getElementById("lint-form");
  var payload = document.getElementById("payload");
  var status = document.getElementById("status");
  var results = document.getElementById("results");
  var list = document.getElementById("finding-list");
  var marked = document.getElementById("marked");
  var summary = document.getElementById("summary");
  var ruleDoc = document.getElementById("rule-doc");

  function say(message, isError) {
    status.textContent = message;
    status.className = isError ? "error" : "";
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  // Characters that would reverse or break what is shown (bidi embeddings and isolates, line separators, C0 and C1
  // controls), as the text format and the HTML report write them: a pointer or a payload must not display as another.
  var UNSAFE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
  var UNSAFE_IN_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

  function escaped(char) {
    var code = char.charCodeAt(0);
    var hex = code.toString(16);
    return code < 0x100 ? "\\x" + ("0" + hex).slice(-2) : "\\u" + ("000" + hex).slice(-4);
  }

  // A value of one line (a pointer, a file name) as text: newlines and tabs escaped too.
  function shown(value) {
    return String(value).replace(/[\n\r\t]/g, function (c) { return { "\n": "\\n", "\r": "\\r", "\t": "\\t" }[c]; }).replace(UNSAFE, escaped);
  }

  // Payload text into a node: its line breaks and tabs kept, each unsafe character as a marked escape.
  function appendText(parent, text) {
    if (!UNSAFE_IN_LINES.test(text)) { parent.appendChild(document.createTextNode(text)); return; }
    var start = 0;
    text.replace(UNSAFE, function (char, at) {
      parent.appendChild(document.createTextNode(text.slice(start, at)));
      var escape = element("span", "ctl", escaped(char));
      escape.title = "U+" + ("000" + char.charCodeAt(0).toString(16).toUpperCase()).slice(-4) + " in the payload";
      parent.appendChild(escape);
      start = at + 1;
      return char;
    });
    parent.appendChild(document.createTextNode(text.slice(start)));
  }

  function headers(extra) {
    var all = extra || {};
    var token = document.getElementById("token").value.trim();
    if (token) { all.Authorization = "Bearer " + token; }
    return all;
  }

  // A browser sends header values as single bytes (ISO-8859-1) and refuses other characters, while the server
  // compares the token's UTF-8 bytes: only an ASCII token can match. Said here, not as "could not be reached".
  function tokenTrouble() {
    return /[^\x20-\x7e]/.test(document.getElementById("token").value.trim()) ?
      "The token holds a character other than printable ASCII, which a browser cannot send as the server expects: " +
      "use curl with this token, or give the server an ASCII one." : "";
  }

  function explainFailure(response, body) {
    if (response.status === 401) {
      return document.getElementById("token").value.trim() ? "The server refused the token: check the Token field." :
        "The server requires a token: type it in the Token field.";
    }
    var detail = body && typeof body.error === "string" ? body.error : "HTTP " + response.status;
    return "The server refused the request: " + detail;
  }

  function readJson(response) {
    return response.text().then(function (text) {
      try { return JSON.parse(text); } catch (e) { return null; }
    });
  }

  // How much to mark from an offset: a JSON string with its quotes, an object's or array's opening bracket alone
  // (the finding is about the whole object, not its first key), else up to the next separator.
  function tokenLength(text, start) {
    var end = start;
    if (text[start] === "{" || text[start] === "[") { return 1; }
    if (text[start] === '"') {
      end = start + 1;
      while (end < text.length && text[end] !== '"' && text[end] !== "\n") { end += text[end] === "\\" ? 2 : 1; }
      return Math.min(end + 1, text.length) - start;
    }
    while (end < text.length && ",]}: \n\r\t".indexOf(text[end]) < 0) { end += 1; }
    return Math.max(end - start, 1);
  }

  // Where each line starts. The service reads a byte order mark as no column: line 1 starts after it.
  function offsets(text) {
    var starts = [text.charCodeAt(0) === 0xFEFF ? 1 : 0];
    for (var i = 0; i < text.length; i++) { if (text[i] === "\n") { starts.push(i + 1); } }
    return starts;
  }

  // The offset in the text (UTF-16 units) of each finding's line and column (code points, as Python counts them),
  // in one sweep in line and column order: a minified payload is one long line, and scanning it from its start
  // for each finding would take the page minutes for a big payload with many findings.
  function places(text, findings) {
    var starts = offsets(text);
    var order = findings.map(function (finding, index) {
      return { line: Math.min(Math.max(finding.line || 1, 1), starts.length), column: Math.max(finding.column || 1, 1), index: index };
    });
    order.sort(function (a, b) { return a.line - b.line || a.column - b.column || a.index - b.index; });
    var line = 0, at = 0, column = 1, end = 0;
    return order.map(function (place) {
      if (place.line !== line) {
        line = place.line;
        at = starts[line - 1];
        column = 1;
        end = line < starts.length ? starts[line] - 1 : text.length;  // the line's "\n", or the end of the text
      }
      while (column < place.column && at < end) {
        var unit = text.charCodeAt(at), next = text.charCodeAt(at + 1);
        at += unit >= 0xD800 && unit <= 0xDBFF && next >= 0xDC00 && next <= 0xDFFF && at + 1 < end ? 2 : 1;  // a surrogate pair is one code point
        column += 1;
      }
      return { at: at, index: place.index, finding: findings[place.index] };
    });
  }

  function renderMarked(text, findings) {
    marked.textContent = "";
    var position = 0;
    var previous = null;
    places(text, findings).forEach(function (place) {
      if (previous && place.at < position) {  // the same token as the previous finding: one mark names both
        previous.title += "\n" + place.finding.rule + ": " + place.finding.message;
        place.finding.markId = previous.id;
        return;
      }
      appendText(marked, text.slice(position, place.at));
      var length = place.at < text.length ? tokenLength(text, place.at) : 0;
      var mark = element("mark", "sev-" + place.finding.severity);
      appendText(mark, text.slice(place.at, place.at + length) || "\u2038");
      mark.id = "finding-" + place.index;
      mark.tabIndex = -1;
      mark.title = place.finding.rule + ": " + place.finding.message;
      place.finding.markId = mark.id;
      marked.appendChild(mark);
      position = place.at + length;
      previous = mark;
    });
    appendText(marked, text.slice(position));
  }

  function showRule(name) {
    var title = document.getElementById("rule-doc-heading");
    var body = document.getElementById("rule-doc-text");
    ruleDoc.hidden = false;
    title.textContent = "Rule " + name;
    body.textContent = tokenTrouble() || "Loading\u2026";
    if (tokenTrouble()) { return; }
    fetch("/v1/rules/" + encodeURIComponent(name), { headers: headers(), cache: "no-store" }).then(function (response) {
      return readJson(response).then(function (document_) {
        body.textContent = response.ok && document_ ? document_.explanation : explainFailure(response, document_);
        ruleDoc.scrollIntoView();
        body.focus();
      });
    }).catch(function (error) { body.textContent = "The server could not be reached: " + error; });
  }

  function renderList(report) {
    list.textContent = "";
    report.findings.forEach(function (finding) {
      var item = element("li");
      item.appendChild(element("span", "sev sev-" + finding.severity, finding.severity));
      var rule = element("a", "rule", shown(finding.rule));
      rule.href = "#rule-doc";
      rule.title = "What " + finding.rule + " checks, with examples";
      rule.addEventListener("click", function (event) { event.preventDefault(); showRule(finding.rule); });
      item.appendChild(rule);
      item.appendChild(document.createTextNode(" " + shown(finding.message) + " "));
      var where = element("a", "where", "line " + finding.line + ", column " + finding.column + " (" + (finding.pointer ? shown(finding.pointer) : "root") + ")");
      where.href = "#" + finding.markId;
      where.addEventListener("click", function (event) {
        event.preventDefault();
        var target = document.getElementById(finding.markId);
        if (target) { target.scrollIntoView({ block: "center" }); target.focus(); }
      });
      item.appendChild(where);
      list.appendChild(item);
    });
  }

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  function render(text, report) {
    var counts = report.summary;
    var parts = [plural(counts.errors, "error"), plural(counts.warnings, "warning"), counts.info + " info"];
    var hidden = counts.not_shown ? Object.keys(counts.not_shown).map(function (s) { return counts.not_shown[s] + " " + s; }) : [];
    var files = report.files[0] || {};
    summary.textContent = parts.join(", ") + (files.api_version ? "; checked as API " + files.api_version : "") +
      (hidden.length ? "; not shown: " + hidden.join(", ") + " (lower the minimum severity to see them)" : "") +
      (report.truncated ? "; only the first " + report.truncated.max_findings + " findings are listed" : "") + ".";
    renderMarked(text, report.findings);
    renderList(report);
    results.hidden = false;
  }

  var latest = 0;  // the last lint asked for: an earlier one that answers later (a bigger payload) is not shown over it

  function lint(event) {
    event.preventDefault();
    var text = payload.value;
    var asked = ++latest;
    if (tokenTrouble()) { results.hidden = true; say(tokenTrouble(), true); return; }
    var version = document.getElementById("api-version").value;  // "": the server's configuration decides, as for any client
    var query = "?min_severity=" + encodeURIComponent(document.getElementById("min-severity").value) +
      (version ? "&api_version=" + encodeURIComponent(version) : "");
    say("Linting\u2026", false);
    fetch("/v1/lint" + query, {
      method: "POST",
      headers: headers({ "Content-Type": document.getElementById("content-type").value }),
      body: text,
      cache: "no-store",
    }).then(function (response) {
      return readJson(response).then(function (report) {
        if (asked !== latest) { return; }
        if (!response.ok || !report || !report.findings) {
          results.hidden = true;
          say(explainFailure(response, report), true);
          return;
        }
        render(text, report);
        var n = report.findings.length;
        say(n === 0 ? "No findings." : n + (n === 1 ? " finding." : " findings."), false);
      });
    }).catch(function (error) { if (asked === latest) { say("The server could not be reached: " + error, true); } });
  }

  function load(file) {
    if (!file) { return; }
    document.getElementById("content-type").value = /\.(jsonl|ndjson)$/i.test(file.name) ? "application/x-ndjson" : "application/json";
    file.text().then(function (text) { payload.value = text; say("Loaded " + shown(file.name) + ".", false); })
      .catch(function (error) { say(shown(file.name) + " could not be read: " + error.message, true); });
  }

  form.addEventListener("submit", lint);
  document.getElementById("file").addEventListener("change", function (event) { load(event.target.files[0]); });
  document.getElementById("example-button").addEventListener("click", function () {
    fetch("/static/example.json", { cache: "no-store" }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.text();
    }).then(function (text) {
      payload.value = text;
      document.getElementById("content-type").value = "application/json";
      say("Loaded the specification's example response.", false);
    }).catch(function (error) { say("The example could not be loaded (" + error.message + "); the payload box is unchanged.", true); });
  });
  payload.addEventListener("dragover", function (event) { event.preventDefault(); payload.classList.add("dragging"); });
  payload.addEventListener("dragleave", function () { payload.classList.remove("dragging"); });
  payload.addEventListener("drop", function (event) {
    event.preventDefault();
    payload.classList.remove("dragging");
    load(event.dataTransfer.files[0]);
  });
}());
