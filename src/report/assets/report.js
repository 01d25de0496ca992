// vigie report: language switch, the detections table (sort, filter, pages), timeline zoom.
// Text from the data only ever goes through textContent: never innerHTML.
(function () {
  "use strict";
  var root = document.documentElement;
  var check = document.getElementById("page-check");
  var bump = function (name) {
    check.setAttribute(name, String(Number(check.getAttribute(name) || "0") + 1));
  };
  // Every request the policy blocks, and every script error, is counted where a test reads it.
  document.addEventListener("securitypolicyviolation", function () { bump("data-violations"); });
  window.addEventListener("error", function () { bump("data-errors"); });

  var data = JSON.parse(document.getElementById("vigie-data").textContent);
  var words = {
    en: { levels: ["informational", "low", "medium", "high", "critical"], any: "(all)",
          none: "(none)", rows: function (a, b, n) { return "rows " + a + "\u2013" + b + " of " + n; },
          nothing: "no detection matches", title: "vigie: intrusion report" },
    fr: { levels: ["information", "basse", "moyenne", "haute", "critique"], any: "(toutes)",
          none: "(aucune)", rows: function (a, b, n) { return "lignes " + a + "\u2013" + b + " sur " + n; },
          nothing: "aucune détection ne correspond", title: "vigie : rapport d'intrusion" }
  };
  var lang = data.lang === "fr" ? "fr" : "en";
  // ?lang=fr, ?q=text (table search), ?day=2019-11-15 (timeline on that day): links to a view.
  var params = new URLSearchParams(window.location.search);
  var asked = params.get("lang");
  if (asked === "fr" || asked === "en") lang = asked;

  // Swedish writes dates as ISO 8601 does: the Paris column reads like the UTC one.
  var paris = new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Paris", year: "numeric",
    month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });
  var utc = function (ms) { return new Date(ms).toISOString().replace("T", " ").slice(0, 19); };

  // ---- detections table ----
  var rows = data.rows;
  var view = rows.slice();
  var page = 0;
  var pageSize = 100;
  var sortColumn = 0;
  var sortDown = false;
  var body = document.getElementById("det-body");
  var info = document.getElementById("p-info");
  var fText = document.getElementById("f-text");
  var fHost = document.getElementById("f-host");
  var fLevel = document.getElementById("f-level");
  var fStage = document.getElementById("f-stage");
  var hostOrder = data.hosts.map(function (h, i) { return i; })
    .sort(function (a, b) { return data.hosts[a] < data.hosts[b] ? -1 : 1; });

  var option = function (select, value, text) {
    var o = document.createElement("option");
    o.value = value;
    o.textContent = text;
    select.appendChild(o);
  };
  var fillFilters = function () {
    var keep = [fHost.value, fLevel.value, fStage.value];
    [fHost, fLevel, fStage].forEach(function (s) { s.textContent = ""; });
    option(fHost, "", words[lang].any);
    hostOrder.forEach(function (i) { option(fHost, String(i), data.hosts[i]); });
    words[lang].levels.forEach(function (name, i) { option(fLevel, String(i), name); });
    option(fStage, "", words[lang].any);
    data.stages[lang].forEach(function (name, i) { option(fStage, String(i), name); });
    option(fStage, "-1", words[lang].none);
    fHost.value = keep[0];
    fLevel.value = keep[1] || "0";
    fStage.value = keep[2];
  };
  var key = function (row, column) {
    switch (column) {
      case 0: case 1: return row[0];
      case 2: return data.hosts[row[1]];
      case 3: return row[2];
      case 4: return row[3];
      case 5: return data.rules[row[4]][0];
      case 6: return row[5];
      default: return row[6];
    }
  };
  var applyFilters = function () {
    var text = fText.value.trim().toLowerCase();
    var host = fHost.value === "" ? -1 : Number(fHost.value);
    var level = Number(fLevel.value || "0");
    var stage = fStage.value === "" ? null : Number(fStage.value);
    view = rows.filter(function (r) {
      if (host >= 0 && r[1] !== host) return false;
      if (r[2] < level) return false;
      if (stage !== null && r[3] !== stage) return false;
      if (text === "") return true;
      return (data.hosts[r[1]] + " " + data.rules[r[4]][0] + " " + r[6] + " " + r[5])
        .toLowerCase().indexOf(text) >= 0;
    });
    view.sort(function (a, b) {
      var x = key(a, sortColumn), y = key(b, sortColumn);
      var c = x < y ? -1 : x > y ? 1 : a[0] - b[0];
      return sortDown ? -c : c;
    });
    page = 0;
    draw();
  };
  var cell = function (tr, text, cls) {
    var td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    tr.appendChild(td);
  };
  var draw = function () {
    body.textContent = "";
    var start = page * pageSize;
    var end = Math.min(view.length, start + pageSize);
    for (var i = start; i < end; ++i) {
      var r = view[i];
      var tr = document.createElement("tr");
      tr.className = "lvl" + r[2];
      cell(tr, r[0] ? utc(r[0]) : "-");
      cell(tr, r[0] ? paris.format(new Date(r[0])) : "-");
      cell(tr, data.hosts[r[1]], "host-name");
      cell(tr, words[lang].levels[r[2]]);
      cell(tr, r[3] >= 0 ? data.stages[lang][r[3]] : "-", r[3] >= 0 ? "s" + r[3] : "");
      cell(tr, data.rules[r[4]][0]);
      cell(tr, String(r[5]));
      cell(tr, r[6]);
      body.appendChild(tr);
    }
    if (view.length === 0) {
      var empty = document.createElement("tr");
      cell(empty, words[lang].nothing);
      empty.firstChild.colSpan = 8;
      body.appendChild(empty);
    }
    info.textContent = words[lang].rows(view.length ? start + 1 : 0, end, view.length);
    document.getElementById("p-prev").disabled = page === 0;
    document.getElementById("p-next").disabled = end >= view.length;
  };
  document.querySelectorAll("#det thead th").forEach(function (th) {
    var column = Number(th.getAttribute("data-col"));
    var button = document.createElement("button");
    button.type = "button";
    while (th.firstChild) button.appendChild(th.firstChild);
    th.appendChild(button);
    button.addEventListener("click", function () {
      sortDown = sortColumn === column ? !sortDown : false;
      sortColumn = column;
      document.querySelectorAll("#det thead th").forEach(function (other) {
        other.setAttribute("aria-sort", "none");
      });
      th.setAttribute("aria-sort", sortDown ? "descending" : "ascending");
      applyFilters();
    });
  });
  [fText, fHost, fLevel, fStage].forEach(function (el) {
    el.addEventListener(el === fText ? "input" : "change", applyFilters);
  });
  document.getElementById("p-prev").addEventListener("click", function () {
    if (page > 0) { --page; draw(); }
  });
  document.getElementById("p-next").addEventListener("click", function () {
    if ((page + 1) * pageSize < view.length) { ++page; draw(); }
  });

  // ---- timeline zoom: marks keep their time in data-t, x is recomputed ----
  var tl = document.getElementById("tl");
  if (tl) {
    var ns = "http://www.w3.org/2000/svg";
    var T0 = Number(tl.getAttribute("data-t0")), T1 = Number(tl.getAttribute("data-t1"));
    var left = Number(tl.getAttribute("data-left")), width = Number(tl.getAttribute("data-width"));
    var height = tl.viewBox.baseVal.height;
    var lo = T0, hi = T1;
    var marks = Array.prototype.slice.call(tl.querySelectorAll("#tl-marks use"));
    var axis = document.getElementById("tl-axis");
    var hourMs = 3600 * 1000, dayMs = 24 * hourMs;
    var line = function (x, cls, top) {
      var l = document.createElementNS(ns, "line");
      l.setAttribute("x1", x); l.setAttribute("x2", x);
      l.setAttribute("y1", top); l.setAttribute("y2", height);
      l.setAttribute("class", cls);
      axis.appendChild(l);
    };
    var label = function (x, text, cls, day) {
      var t = document.createElementNS(ns, "text");
      t.setAttribute("x", x + 3); t.setAttribute("y", cls === "day" ? 18 : 26);
      t.setAttribute("class", cls);
      if (day !== undefined) t.setAttribute("data-day", String(day));
      t.textContent = text;
      axis.appendChild(t);
    };
    var redraw = function () {
      var scale = width / (hi - lo);
      var xOf = function (t) { return left + (t - lo) * scale; };
      marks.forEach(function (m) {
        var t = Number(m.getAttribute("data-t"));
        var visible = t >= lo && t <= hi;
        m.setAttribute("visibility", visible ? "visible" : "hidden");
        if (visible) m.setAttribute("x", (xOf(t) - 4).toFixed(1));
      });
      axis.textContent = "";
      var step = hi - lo > 4 * dayMs ? dayMs : hi - lo > dayMs ? 6 * hourMs : hourMs;
      for (var t = Math.floor(lo / step) * step; t <= hi; t += step) {
        if (t < lo) continue;
        var x = xOf(t);
        var midnight = t % dayMs === 0;
        line(x, midnight ? "tick" : "hour", midnight ? 6 : 20);
        if (midnight) label(x, utc(t).slice(0, 10), "day", t);
        if (step < dayMs) label(x, utc(t).slice(11, 16), "hour-label");
      }
    };
    var zoom = function (factor, centre) {
      var span = Math.min(T1 - T0, Math.max(hourMs, (hi - lo) * factor));
      var mid = centre !== undefined ? centre : (lo + hi) / 2;
      lo = Math.max(T0, mid - span / 2);
      hi = Math.min(T1, lo + span);
      lo = Math.max(T0, hi - span);
      redraw();
    };
    document.getElementById("tl-in").addEventListener("click", function () { zoom(0.5); });
    document.getElementById("tl-out").addEventListener("click", function () { zoom(2); });
    document.getElementById("tl-reset").addEventListener("click", function () {
      lo = T0; hi = T1; redraw();
    });
    var showDay = function (start) {
      if (!(start >= T0 && start < T1)) return;
      lo = start; hi = Math.min(T1, lo + dayMs); redraw();
    };
    axis.addEventListener("click", function (e) {
      var day = e.target.getAttribute && e.target.getAttribute("data-day");
      if (day) showDay(Number(day));
    });
    if (params.get("day")) showDay(Date.parse(params.get("day") + "T00:00:00Z"));
  }

  // ---- language ----
  var setLanguage = function (next) {
    lang = next;
    root.setAttribute("lang", lang);
    root.setAttribute("data-lang", lang);
    document.title = words[lang].title;
    fillFilters();
    draw();
  };
  document.getElementById("to-en").addEventListener("click", function () { setLanguage("en"); });
  document.getElementById("to-fr").addEventListener("click", function () { setLanguage("fr"); });
  document.getElementById("print").addEventListener("click", function () { window.print(); });

  fillFilters();
  setLanguage(lang);
  if (params.get("q")) fText.value = params.get("q");
  applyFilters();
  window.addEventListener("load", function () {
    check.setAttribute("data-resources",
                       String(performance.getEntriesByType("resource").length));
    check.setAttribute("data-ready", "1");
  });
})();
