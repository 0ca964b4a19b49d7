// The script of `ivassign view` pages (embedded into the library at build time, like Chart.js).
// It reads the page's data (<script id="ivassign-data">), draws the summary, the sortable and
// filterable table, the Chart.js charts and colours the map the program wrote as SVG, then fills
// #ivassign-selfcheck with what it drew (rows, map cells, the summary's welfare, errors) for the
// browser test (tests/view/browser_check.py).
"use strict";
(function () {
  const t0 = performance.now();
  const data = JSON.parse(document.getElementById("ivassign-data").textContent);
  const $ = (id) => document.getElementById(id);
  const charts = {};

  function fmt(v) {
    if (v === null || v === undefined || Number.isNaN(v)) return "\u2014";
    if (typeof v !== "number") return String(v);
    const a = Math.abs(v);
    if (a !== 0 && (a >= 1e7 || a < 1e-3)) return v.toExponential(3);
    return String(Number(v.toPrecision(6)));
  }
  function esc(s) {
    return String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
  }
  function sum(a) {
    let s = 0;
    for (const v of a || []) if (typeof v === "number") s += v;
    return s;
  }
  // a buyer's colour: hues spread by the golden angle, so neighbours in index differ
  function colour(i) {
    return "hsl(" + ((i * 137.508) % 360).toFixed(1) + "," + (55 + (i % 3) * 12) + "%," + (42 + (i % 4) * 7) + "%)";
  }

  function summary(items) {
    $("summary").innerHTML = items
      .filter((it) => it && it[1] !== undefined)
      .map((it) => "<div><dt>" + esc(it[0]) + "</dt><dd" + (it[2] ? ' id="' + it[2] + '" data-value="' + esc(it[3]) + '"' : "") +
        ">" + it[1] + "</dd></div>").join("");
  }

  // A sortable, filterable table over column arrays: columns [{key, label, get(k), text(k)?}].
  function table(host, columns, count, rowClass, search) {
    const state = { key: null, dir: 1, filter: "", only: false };
    const thead = "<thead><tr>" + columns.map((c, k) => '<th data-k="' + k + '" title="sort by ' + esc(c.label) + '">' +
      esc(c.label) + "</th>").join("") + "</tr></thead>";
    host.innerHTML = '<div class="tools"><input type="search" placeholder="' + esc(search.placeholder || "filter: buyer or licence number") +
      '" aria-label="filter">' +
      (search.only ? '<label><input type="checkbox"> ' + esc(search.only) + "</label>" : "") +
      '<span class="count"></span></div><div class="scroll"><table>' + thead + "<tbody></tbody></table></div>";
    const body = host.querySelector("tbody"), counter = host.querySelector(".count");
    function render() {
      let rows = [];
      for (let k = 0; k < count; ++k) rows.push(k);
      if (state.only) rows = rows.filter(search.keep);
      if (state.filter) rows = rows.filter((k) => search.text(k).some((s) => String(s).includes(state.filter)));
      if (state.key !== null) {
        const get = columns[state.key].get;
        rows.sort((a, b) => {
          const x = get(a), y = get(b);
          const nx = x === null || x === undefined, ny = y === null || y === undefined;
          if (nx || ny) return nx === ny ? a - b : nx ? 1 : -1;  // missing values last
          return (x < y ? -1 : x > y ? 1 : a - b) * state.dir;
        });
      }
      body.innerHTML = rows.map((k) => '<tr data-row="' + k + '" class="' + rowClass(k) + '">' +
        columns.map((c) => "<td>" + (c.text ? c.text(k) : fmt(c.get(k))) + "</td>").join("") + "</tr>").join("");
      counter.textContent = rows.length + " of " + count + " rows";
    }
    host.querySelector("thead").addEventListener("click", (e) => {
      const th = e.target.closest("th");
      if (!th) return;
      const k = Number(th.dataset.k);
      state.dir = state.key === k ? -state.dir : 1;
      state.key = k;
      host.querySelectorAll("th").forEach((h) => h.removeAttribute("aria-sort"));
      th.setAttribute("aria-sort", state.dir > 0 ? "ascending" : "descending");
      render();
    });
    host.querySelector("input[type=search]").addEventListener("input", (e) => { state.filter = e.target.value.trim(); render(); });
    const box = host.querySelector("input[type=checkbox]");
    if (box) box.addEventListener("change", () => { state.only = box.checked; render(); });
    render();
    return { body, render, state };
  }

  function chart(id, config) {
    if (charts[id]) charts[id].destroy();
    config.options = Object.assign({ animation: false, responsive: true, maintainAspectRatio: false }, config.options || {});
    charts[id] = new Chart($(id), config);
  }
  const axis = (title, extra) => Object.assign({ title: { display: true, text: title } }, extra || {});
  const numbers = { ticks: { callback: (v) => fmt(v) } };  // tick labels of a numeric axis, as in the tables

  // ---- mechanism reports ---------------------------------------------------------------------
  function mechanismSummary(p) {
    const won = p.licence.filter((j) => j >= 0).length;
    const gap = p.welfare_gap !== null && p.welfare_gap !== undefined
      ? fmt(p.welfare_gap) + " (upper bound " + fmt(p.welfare_upper_bound) + ")" : (p.optimal ? "0 (proven optimal)" : undefined);
    const d = data.delta || {};
    summary([
      ["instance", esc(data.instance)],
      data.sellers === null ? ["buyers", data.buyers + " (" + won + " won a licence)"]  // no instance: licences unknown
        : ["buyers \u00d7 licences", data.buyers + " \u00d7 " + data.sellers + " (" + won + " sold)"],
      ["states", String(p.posterior ? p.posterior.length : "?")],
      ["backend", esc(data.backend)],
      ["seconds", fmt(data.seconds)],
      ["welfare", fmt(p.welfare), "sum-welfare", p.welfare],
      ["certified welfare gap", gap],
      ["revenue (sum of payments)", fmt(sum(p.payment))],
      ["rewards paid", fmt(sum(p.reward))],
      ["delta", fmt(d.used) + (d.source ? " (" + esc(d.source) + ")" : "")],
      ["delta exact / theorem 1", fmt(d.exact) + " / " + fmt(d.theorem1)],
      ["transfers", p.transfers_certified === false ? "intervals (unproven minus-i)" : "proven"],
      data.certified ? ["max stage-2 gain bound", fmt(data.certified.stage2_gain_bound_max)] : null,
      ["signal profile", esc(p.profile.length > 24 ? p.profile.length + " signals" : p.profile.join(","))],
    ]);
  }

  function mechanismTable(p) {
    const n = p.licence.length, has = (a) => Array.isArray(a);
    const width = (k) => has(p.payment_lo) && p.payment_lo[k] !== null && p.payment_hi[k] !== null ? p.payment_hi[k] - p.payment_lo[k] : null;
    const columns = [
      { label: "buyer", get: (k) => k, text: (k) => '<span class="swatch" style="background:' + colour(k) + '"></span>' + k },
      { label: "licence", get: (k) => (p.licence[k] >= 0 ? p.licence[k] : null), text: (k) => (p.licence[k] >= 0 ? p.licence[k] : "none") },
      { label: "value", get: (k) => p.value[k] },
      { label: "payment", get: (k) => p.payment[k] },
    ];
    if (has(p.payment_lo)) {
      columns.push({ label: "payment interval", get: (k) => p.payment_lo[k], text: (k) => "[" + fmt(p.payment_lo[k]) + ", " + fmt(p.payment_hi[k]) + "]" });
      columns.push({ label: "width", get: width });
    }
    if (has(p.gain_bound)) columns.push({ label: "stage-2 gain bound", get: (k) => p.gain_bound[k] });
    columns.push({ label: "reward", get: (k) => p.reward[k] });
    const t = table($("table"), columns, n, (k) => (p.licence[k] >= 0 ? "" : "unsold"),
      { only: "winners only", keep: (k) => p.licence[k] >= 0, text: (k) => [k, p.licence[k] >= 0 ? p.licence[k] : ""] });
    return { t, width };
  }

  function mechanismCharts(p, width) {
    const pts = [], n = p.licence.length;
    let top = 0;
    for (let k = 0; k < n; ++k) {
      if (p.value[k] === null || p.payment[k] === null) continue;
      pts.push({ x: p.value[k], y: p.payment[k], buyer: k });
      top = Math.max(top, p.value[k], p.payment[k]);
    }
    chart("c-pay", {
      type: "scatter",
      data: { datasets: [
        { label: "buyers", data: pts, backgroundColor: "rgba(48,112,176,.65)", pointRadius: n > 300 ? 2.5 : 4 },
        { label: "payment = value", type: "line", data: [{ x: 0, y: 0 }, { x: top, y: top }], borderColor: "#999", borderDash: [5, 4], pointRadius: 0, borderWidth: 1 },
      ] },
      options: { scales: { x: axis("value (net of externality costs)"), y: axis("payment") },
        plugins: { tooltip: { callbacks: { label: (c) => c.raw.buyer === undefined ? "" : "buyer " + c.raw.buyer + ": value " + fmt(c.raw.x) + ", pays " + fmt(c.raw.y) } } } },
    });
    const widths = [];
    for (let k = 0; k < n; ++k) { const w = width(k); if (w !== null) widths.push(w); }
    if (widths.length) {
      // bins over [smallest, largest] width (one bin when all are equal), labelled by their centres
      $("w-title").textContent = "Payment interval widths";
      const lo = Math.min(...widths), span = Math.max(...widths) - lo, bins = span > 0 ? 20 : 1;
      const counts = new Array(bins).fill(0), short = (v) => String(Number(v.toPrecision(2)));
      for (const w of widths) counts[span > 0 ? Math.min(bins - 1, Math.floor(((w - lo) / span) * bins)) : 0]++;
      chart("c-width", { type: "bar", data: { labels: counts.map((_, b) => short(lo + (b + 0.5) * span / bins)),
        datasets: [{ label: "buyers", data: counts, backgroundColor: "#e08020" }] },
        options: { plugins: { legend: { display: false } }, scales: { x: axis("payment interval width"), y: axis("buyers") } } });
      $("w-note").textContent = "Median width " + fmt(widths.slice().sort((a, b) => a - b)[Math.floor(widths.length / 2)]) +
        ", total " + fmt(sum(widths)) + " against total payments " + fmt(sum(p.payment)) + ".";
    } else {
      // every payment is exact: the space shows each buyer's payment beside its stage-1 reward instead
      $("w-title").textContent = "Payments and rewards";
      const shown = Math.min(n, 60), labels = [];
      for (let k = 0; k < shown; ++k) labels.push("buyer " + k);
      chart("c-width", { type: "bar", data: { labels, datasets: [
        { label: "payment", data: p.payment.slice(0, shown), backgroundColor: "#3070b0" },
        { label: "reward", data: p.reward.slice(0, shown), backgroundColor: "#40a040" }] },
        options: { scales: { y: axis("money") } } });
      $("w-note").textContent = "Every minus-i value is proven: each payment is exact (no intervals)" +
        (shown < n ? "; the first " + shown + " buyers." : ".");
    }
    chart("c-post", { type: "bar", data: { labels: p.posterior.map((_, t) => "state " + t),
      datasets: [{ label: "rho(theta | r)", data: p.posterior, backgroundColor: "#3070b0" }] },
      options: { plugins: { legend: { display: false } }, scales: { y: axis("posterior probability", { min: 0, max: 1 }) } } });
  }

  function mechanismMap(p, t) {
    const svg = $("map");
    if (!svg) return 0;
    const owner = new Array(data.sellers).fill(-1);
    p.licence.forEach((j, i) => { if (j >= 0 && j < owner.length) owner[j] = i; });
    const cells = svg.querySelectorAll("rect.lic");
    cells.forEach((r) => { const i = owner[Number(r.dataset.j)]; r.setAttribute("fill", i >= 0 ? colour(i) : "#c9cdd4"); });
    const g = $("pairs"), m = data.map, NS = "http://www.w3.org/2000/svg";
    g.textContent = "";
    const wmax = Math.max(1e-300, ...p.pairs.map((e) => e[2]));
    for (const [j, q, w] of p.pairs) {
      const l = document.createElementNS(NS, "line");
      l.setAttribute("x1", m.x[j]); l.setAttribute("y1", m.y[j]); l.setAttribute("x2", m.x[q]); l.setAttribute("y2", m.y[q]);
      l.setAttribute("stroke-width", (0.14 + 0.3 * w / wmax) * data.map_cell);
      l.setAttribute("stroke-opacity", 0.6 + 0.4 * w / wmax);
      g.appendChild(l);
    }
    $("map-note").textContent = p.pairs.length + " interfering pairs of sold licences (their winners cost each other something).";
    const tip = $("tip"), wrap = svg.parentNode;
    svg.onmousemove = (e) => {
      const r = e.target.closest("rect.lic");
      if (!r) { tip.style.display = "none"; return; }
      const j = Number(r.dataset.j), i = owner[j], box = wrap.getBoundingClientRect();
      tip.innerHTML = "licence " + j + " \u00b7 region " + m.region[j] + " \u00b7 population " + fmt(m.population[j]) + "<br>" +
        (i >= 0 ? "won by buyer " + i + ": value " + fmt(p.value[i]) + ", pays " + fmt(p.payment[i]) : "unsold");
      tip.style.display = "block";
      tip.style.left = Math.min(e.clientX - box.left + 12, box.width - 230) + "px";
      tip.style.top = (e.clientY - box.top + 12) + "px";
    };
    svg.onmouseleave = () => { tip.style.display = "none"; };
    svg.onclick = (e) => {
      const r = e.target.closest("rect.lic");
      if (!r || owner[Number(r.dataset.j)] < 0) return;
      const row = t.body.querySelector('tr[data-row="' + owner[Number(r.dataset.j)] + '"]');
      t.body.querySelectorAll("tr.hi").forEach((x) => x.classList.remove("hi"));
      if (row) { row.classList.add("hi"); row.scrollIntoView({ block: "center" }); }
    };
    return cells.length;
  }

  function mechanism() {
    const select = $("profile");
    let mapCells = 0, tbl = null;
    function show(k) {
      const p = data.profiles[k];
      mechanismSummary(p);
      const made = mechanismTable(p);
      tbl = made.t;
      mechanismCharts(p, made.width);
      mapCells = mechanismMap(p, tbl);
    }
    if (data.profiles.length > 1) {
      select.innerHTML = data.profiles.map((p, k) => '<option value="' + k + '">profile ' + k + ": (" + esc(p.profile.join(",")) + ")</option>").join("");
      select.hidden = false;
      select.addEventListener("change", () => show(Number(select.value)));
    }
    show(0);
    return { rows: tbl.body.rows.length, cells: mapCells, welfare: Number($("sum-welfare").dataset.value) };
  }

  // ---- check reports ----------------------------------------------------------------------------
  function check() {
    const s1 = data.stage1, s2 = data.stage2, b = data.budget || {};
    summary([
      ["instance", esc(data.instance)],
      ["buyers", String(s1.margins.length)],
      ["backend", esc(data.backend)],
      ["seconds", fmt(data.seconds)],
      ["delta", fmt(data.delta) + (data.delta_source ? " (" + esc(data.delta_source) + ")" : "")],
      ["stage 1", (s1.truthful ? "truthful" : '<span class="bad">a profitable lie</span>') + ", min margin " + fmt(s1.min_margin)],
      ["stage 2 max gain", fmt(s2.max_gain) + " (bound " + fmt(s2.certified_gain_bound_max) + ")"],
      ["expected rewards", fmt(b.expected_rewards)],
      ["expected revenue", fmt(b.expected_revenue)],
      ["deficit probability", fmt(b.deficit_probability)],
      ["ex post IR", b.ex_post_ir === undefined ? undefined : String(b.ex_post_ir)],
    ]);
    const lies = [];
    s1.margins.forEach((row, i) => {
      const k = Math.round(Math.sqrt(row.length));
      row.forEach((v, ab) => { if (Math.floor(ab / k) !== ab % k) lies.push({ i, a: Math.floor(ab / k), r: ab % k, v }); });
    });
    chart("c-margin", { type: "bar", data: { labels: lies.map((l) => "b" + l.i + ": " + l.a + "\u2192" + l.r),
      datasets: [{ label: "margin", data: lies.map((l) => l.v), backgroundColor: lies.map((l) => (l.v >= 0 ? "#3070b0" : "#c03030")) }] },
      options: { plugins: { legend: { display: false } }, scales: { x: axis("buyer: true signal \u2192 reported signal"), y: axis("reward loss minus gain") } } });
    const probes = s2.probed || [];
    chart("c-stage2", { type: "scatter", data: { datasets: [{ label: "probes", data: probes.map((q) => ({ x: q.certified_bound, y: q.max_gain })), backgroundColor: "#e08020" }] },
      options: { plugins: { legend: { display: false } }, scales: { x: axis("certified gain bound", numbers), y: axis("largest gain found", numbers) } } });
    const utilities = b.interim_utility_min || [];
    chart("c-rewards", { type: "bar", data: { labels: utilities.map((_, i) => "buyer " + i),
      datasets: [{ label: "smallest interim utility", data: utilities, backgroundColor: "#40a040" }] },
      options: { plugins: { legend: { display: false } }, scales: { y: axis("interim utility (min over signals)") } } });
    const t = table($("table"), [
      { label: "buyer", get: (k) => lies[k].i },
      { label: "true signal", get: (k) => lies[k].a },
      { label: "reported", get: (k) => lies[k].r },
      { label: "margin", get: (k) => lies[k].v },
    ], lies.length, (k) => (lies[k].v < 0 ? "bad" : ""),
      { only: "profitable lies only", keep: (k) => lies[k].v < 0, text: (k) => [lies[k].i], placeholder: "filter: buyer number" });
    return { rows: t.body.rows.length, cells: 0, welfare: null };
  }

  // ---- replica reports --------------------------------------------------------------------------
  function replica() {
    const rows = data.rows;
    summary([
      ["base instance", esc(data.base)],
      ["replication k", String(data.k)],
      ["sizes", rows.map((r) => r.buyers).join(", ")],
      ["seconds", fmt(sum(rows.map((r) => r.seconds)))],
    ]);
    const line = (label, key, c) => ({ label, data: rows.map((r) => ({ x: r.buyers, y: r[key] })), borderColor: c, backgroundColor: c, showLine: true });
    const sizes = rows.map((r) => r.buyers);
    const log = { x: axis("buyers n", { type: "logarithmic", min: Math.min(...sizes) / 1.25, max: Math.max(...sizes) * 1.25,
      ticks: { callback: (v) => (sizes.includes(v) ? String(v) : "") } }) };
    chart("c-rewards", { type: "scatter", data: { datasets: [line("E[sum_i xi_i]", "expected_total_rewards", "#3070b0"),
      line("bound n^-(k+1) max term", "max_total_rewards_bound", "#e08020")] },
      options: { scales: Object.assign({ y: axis("total rewards", { type: "logarithmic" }) }, log) } });
    chart("c-margin", { type: "scatter", data: { datasets: [line("min margin", "min_margin", "#c03030")] },
      options: { scales: Object.assign({ y: axis("smallest stage-1 margin") }, log) } });
    chart("c-info", { type: "scatter", data: { datasets: [line("max_i nu_i", "informational_size", "#40a040")] },
      options: { scales: Object.assign({ y: axis("informational size", { type: "logarithmic" }) }, log) } });
    const keys = ["buyers", "sellers", "informational_size", "expected_total_rewards", "max_total_rewards_bound", "min_margin",
      "incentive_condition", "expected_welfare", "welfare_per_buyer", "seconds"];
    const t = table($("table"), keys.map((key) => ({ label: key.replace(/_/g, " "), get: (k) => rows[k][key],
      text: typeof rows[0][key] === "boolean" ? (k) => String(rows[k][key]) : undefined })), rows.length, () => "",
      { text: (k) => [rows[k].buyers], placeholder: "filter: buyers" });
    return { rows: t.body.rows.length, cells: 0, welfare: null };
  }

  // #selftest (the browser test): drive the table and the map as a user would and check what they show
  function selftest() {
    const fail = [], host = $("table"), rows = () => host.querySelectorAll("tbody tr");
    const cells = (col) => Array.from(rows()).map((r) => r.cells[col].textContent);
    const th = host.querySelectorAll("th");
    const col = Array.from(th).findIndex((h) => h.textContent === (data.kind === "mechanism" ? "payment" : th[th.length - 1].textContent));
    th[col].click();
    th[col].click();  // descending
    const values = cells(col).map(Number).filter((v) => !Number.isNaN(v));
    for (let k = 1; k < values.length; ++k) if (values[k] > values[k - 1]) { fail.push("not sorted descending"); break; }
    const total = rows().length, input = host.querySelector("input[type=search]");
    input.value = "1";
    input.dispatchEvent(new Event("input"));
    const kept = cells(0).length;
    if (!(kept <= total) || cells(0).some((c, k) => !(c.includes("1") || rows()[k].cells[1].textContent.includes("1")))) fail.push("filter");
    input.value = "";
    input.dispatchEvent(new Event("input"));
    if (rows().length !== total) fail.push("filter cleared: " + rows().length + " rows of " + total);
    const box = host.querySelector("input[type=checkbox]");
    if (box && data.kind === "mechanism") {
      box.click();
      const winners = data.profiles[0].licence.filter((j) => j >= 0).length;
      if (rows().length !== winners) fail.push("winners only: " + rows().length + " rows, " + winners + " winners");
      box.click();
    }
    const cell = document.querySelector("#map rect.lic");
    if (cell) {
      cell.dispatchEvent(new MouseEvent("mousemove", { bubbles: true, clientX: 10, clientY: 10 }));
      if (!$("tip").textContent.startsWith("licence " + cell.dataset.j)) fail.push("tooltip: " + $("tip").textContent);
    }
    return fail.length ? fail.join("; ") : "ok";
  }

  const result = data.kind === "mechanism" ? mechanism() : data.kind === "check" ? check() : replica();
  const self = $("ivassign-selfcheck");
  self.dataset.rows = result.rows;
  self.dataset.mapCells = result.cells;
  if (result.welfare !== null) self.dataset.welfare = result.welfare;
  self.dataset.readyMs = (performance.now() - t0).toFixed(1);  // this script alone
  self.dataset.interactiveMs = performance.now().toFixed(1);     // since navigation start: open to interactive
  if (location.hash === "#selftest") self.dataset.selftest = selftest();
  self.dataset.errors = JSON.stringify(window.__ivassignErrors || []);
  self.dataset.status = "ready";
})();
