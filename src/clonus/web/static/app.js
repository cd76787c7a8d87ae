/* clonus web app: patients, uploads, beat review, trends and reports. Plain JS, no build. */
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const { api, detail, fmt, esc } = clonus;
  const SVGNS = "http://www.w3.org/2000/svg";
  const state = { patients: [], patientId: null, rec: null, trace: null, beats: [], onset: null,
                  mode: "beat" };

  function show(view) {
    for (const v of ["login-view", "home-view", "recording-view"]) $(v).classList.toggle("hidden", v !== view);
    $("nav").classList.toggle("hidden", view === "login-view");
  }

  async function guard(fn) {
    try { return await fn(); } catch (e) {
      if (e.status === 401) { show("login-view"); return; }
      throw e;
    }
  }

  // ------------------------------------------------------------------ login
  $("login-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    $("login-error").textContent = "";
    try {
      await clonus.login($("email").value, $("password").value);
      route();
    } catch (e) { $("login-error").textContent = e.message; }
  });
  $("logout").addEventListener("click", () => { clonus.setToken(null); location.hash = "#/"; show("login-view"); });

  // ------------------------------------------------------------------ patients
  async function loadPatients() {
    const resp = await api("/api/patients");
    state.patients = await resp.json();
    const ul = $("patients");
    ul.innerHTML = "";
    const sel = $("upload-patient");
    sel.innerHTML = '<option value="">(none)</option>';
    const all = document.createElement("li");
    all.textContent = "All recordings";
    all.onclick = () => { location.hash = "#/"; };
    if (state.patientId === null) all.classList.add("active");
    ul.appendChild(all);
    for (const p of state.patients) {
      const li = document.createElement("li");
      li.textContent = p.code;
      li.dataset.testid = "patient-" + p.code;
      li.setAttribute("data-testid", "patient-" + p.code);
      if (p.id === state.patientId) li.classList.add("active");
      li.onclick = () => { location.hash = "#/patient/" + p.id; };
      ul.appendChild(li);
      const o = document.createElement("option");
      o.value = p.id; o.textContent = p.code;
      if (p.id === state.patientId) o.selected = true;
      sel.appendChild(o);
    }
  }

  $("patient-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    $("patient-error").textContent = "";
    const resp = await guard(() => api("/api/patients", { method: "POST", json: { code: $("patient-code").value.trim() } }));
    if (!resp) return;
    if (!resp.ok) { $("patient-error").textContent = await detail(resp); return; }
    const p = await resp.json();
    $("patient-code").value = "";
    location.hash = "#/patient/" + p.id;
  });

  // The loaders below fetch first and then replace their part of the page in one synchronous
  // step, and only if the patient they fetched for is still the one shown: two overlapping
  // route() calls (a quick second click) then never leave duplicated rows or charts, nor the
  // previous page's data.
  async function loadSessions() {
    const box = $("sessions-box"), ul = $("sessions"), sel = $("upload-session");
    const pid = state.patientId;
    const sessions = pid === null ? [] : await (await api("/api/sessions?patient_id=" + pid)).json();
    if (pid !== state.patientId) return;
    state.sessions = sessions;
    sel.innerHTML = '<option value="">(today\'s, or a new one)</option>';
    box.classList.toggle("hidden", pid === null);
    ul.innerHTML = "";
    if (pid === null) return;
    for (const s of state.sessions) {
      const when = new Date(s.started_at).toLocaleString();
      const li = document.createElement("li");
      li.setAttribute("data-testid", "session-row");
      li.textContent = when + (s.notes ? " – " + s.notes : "");
      li.onclick = () => { sel.value = String(s.id); };
      ul.appendChild(li);
      const o = document.createElement("option");
      o.value = s.id; o.textContent = when;
      sel.appendChild(o);
    }
    if (!state.sessions.length) ul.innerHTML = '<li class="muted">No sessions yet: one is started with the first upload.</li>';
  }

  $("session-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const v = $("session-when").value;  // local time from the picker
    const body = { patient_id: state.patientId, notes: $("session-notes").value };
    if (v) body.started_at = new Date(v).toISOString();
    const resp = await guard(() => api("/api/sessions", { method: "POST", json: body }));
    if (!resp) return;
    if (!resp.ok) { $("patient-error").textContent = await detail(resp); return; }
    $("session-notes").value = "";
    await loadSessions();
  });

  async function loadContext() {
    const pid = state.patientId;
    let d = {};
    if (pid !== null) {
      const resp = await api(`/api/patients/${pid}/context`);
      if (resp.ok) d = (await resp.json()).data || {};  // (404: none recorded yet)
    }
    if (pid !== state.patientId) return;
    $("ctx-age").value = ""; $("ctx-meds").value = ""; $("ctx-notes").value = "";
    $("ctx-status").textContent = "";
    if (d.age_years !== undefined && d.age_years !== null) $("ctx-age").value = d.age_years;
    if (Array.isArray(d.medications)) $("ctx-meds").value = d.medications.join(", ");
    if (d.notes) $("ctx-notes").value = d.notes;
  }

  $("context-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const data = {};
    if ($("ctx-age").value !== "") data.age_years = Number($("ctx-age").value);
    const meds = $("ctx-meds").value.split(",").map((x) => x.trim()).filter((x) => x);
    if (meds.length) data.medications = meds;
    if ($("ctx-notes").value.trim()) data.notes = $("ctx-notes").value.trim();
    const resp = await guard(() => api(`/api/patients/${state.patientId}/context`, { method: "POST", json: { data } }));
    if (!resp) return;
    $("ctx-status").innerHTML = resp.ok ? "Saved." : `<span class="error">${esc(await detail(resp))}</span>`;
  });

  async function loadRecordings() {
    const pid = state.patientId;
    const q = pid !== null ? "?patient_id=" + pid : "";
    const recs = await (await api("/api/recordings" + q)).json();
    if (pid !== state.patientId) return;
    const tb = $("recordings");
    tb.innerHTML = "";
    for (const r of recs) {
      const tr = document.createElement("tr");
      tr.setAttribute("data-testid", "recording-row");
      tr.style.cursor = "pointer";
      const sess = (state.sessions || []).find((x) => x.id === r.session_id);
      const sessTxt = sess ? new Date(sess.started_at).toLocaleDateString() : (r.session_id ? "#" + r.session_id : "–");
      tr.innerHTML = `<td>${esc(new Date(r.created_at).toLocaleString())}</td><td>${esc(sessTxt)}</td><td>${esc(r.filename)}</td>` +
        `<td>${r.n_beats}${r.corrected_assessment_id ? " ✎" : ""}</td><td>${fmt(r.frequency_hz)}</td>` +
        `<td>${fmt(r.clonus_duration_s)}</td><td>${esc(r.classification)}</td>`;
      tr.onclick = () => { location.hash = "#/recording/" + r.id; };
      tb.appendChild(tr);
    }
    if (!recs.length) tb.innerHTML = '<tr><td colspan="7" class="muted">No recordings yet.</td></tr>';
  }

  async function loadTrends() {
    const box = $("trends");
    const pid = state.patientId;
    const pts = pid === null ? null : await (await api(`/api/patients/${pid}/trends`)).json();
    if (pid !== state.patientId) return;
    box.innerHTML = "";
    if (pts === null) return;
    if (!pts.length) { box.innerHTML = '<p class="muted">No assessments for this patient yet.</p>'; return; }
    box.appendChild(trendChart(pts, "n_beats", "Beats", 0));
    box.appendChild(trendChart(pts, "frequency_hz", "Frequency (Hz)", 2));
    box.appendChild(trendChart(pts, "clonus_duration_s", "Duration (s)", 1));
  }

  function el(name, attrs, parent) {
    const e = document.createElementNS(SVGNS, name);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (parent) parent.appendChild(e);
    return e;
  }

  function trendChart(pts, key, title, digits) {
    const W = 600, H = 140, L = 50, R = 40, T = 20, B = 24;
    const svg = el("svg", { viewBox: `0 0 ${W} ${H}`, class: "plot", "data-testid": "trend-" + key });
    el("text", { x: L, y: 14 }, svg).textContent = title;
    const vals = pts.map((p) => p[key]).filter((v) => v !== null && v !== undefined);
    const ymax = Math.max(1e-9, ...vals) * 1.15;
    const n = pts.length;
    const ts = pts.map((p) => new Date(p.time).getTime());
    const span = ts[n - 1] - ts[0];
    // positions proportional to time, so irregular visits are shown as they were
    const x = (i) => (n === 1 || span <= 0 ? (n === 1 ? (L + W - R) / 2 : L + (i * (W - L - R)) / (n - 1))
                                          : L + ((ts[i] - ts[0]) / span) * (W - L - R));
    const y = (v) => H - B - (v / ymax) * (H - T - B);
    el("line", { x1: L, y1: H - B, x2: W - R, y2: H - B, class: "axis" }, svg);
    el("line", { x1: L, y1: T, x2: L, y2: H - B, class: "axis" }, svg);
    el("text", { x: 4, y: T + 8 }, svg).textContent = fmt(ymax, digits);
    el("text", { x: 4, y: H - B }, svg).textContent = "0";
    let d = "";
    pts.forEach((p, i) => {
      const v = p[key];
      const lab = el("text", { x: x(i), y: H - 6, "text-anchor": "middle" }, svg);
      lab.textContent = new Date(p.time).toLocaleDateString();
      if (v === null || v === undefined) return;
      d += (d ? "L" : "M") + x(i).toFixed(1) + "," + y(v).toFixed(1);
      const c = el("circle", { cx: x(i), cy: y(v), r: 4, class: "beat" }, svg);
      el("title", {}, c).textContent = `${title}: ${fmt(v, digits)} (${p.kind})`;
    });
    if (d) el("path", { d, class: "trace" }, svg);
    return svg;
  }

  // ------------------------------------------------------------------ upload
  $("upload-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const f = $("upload-file").files[0];
    if (!f) return;
    const fd = new FormData();
    fd.append("file", f, f.name);
    if ($("upload-patient").value) fd.append("patient_id", $("upload-patient").value);
    if ($("upload-session").value && $("upload-patient").value === String(state.patientId)) {
      fd.append("session_id", $("upload-session").value);
    }
    $("upload-status").textContent = "Uploading and assessing…";
    const resp = await guard(() => api("/api/recordings", { method: "POST", body: fd }));
    if (!resp) return;
    if (resp.status !== 201) { $("upload-status").innerHTML = `<span class="error">${esc(await detail(resp))}</span>`; return; }
    const body = await resp.json();
    $("upload-status").textContent = `Stored: ${body.n_beats} beats.`;
    location.hash = "#/recording/" + body.id;
  });

  // ------------------------------------------------------------------ one recording
  function gradesTable(a) {
    const rows = Object.values(a.grades || {}).map((g) =>
      `<tr><td>${esc(g.scale)}</td><td>${esc(g.label)}</td><td class="muted">${esc(g.rule)}</td></tr>`).join("");
    return `<p><span class="big" data-testid="n-beats">${a.n_beats}</span> beats · ` +
      `${fmt(a.frequency_hz)} Hz · ${fmt(a.clonus_duration_s)} s · <b>${esc(a.classification)}</b></p>` +
      `<p class="muted">${esc(a.reason || "")}</p>` +
      `<table><thead><tr><th>Scale</th><th>Grade</th><th>Rule</th></tr></thead><tbody>${rows}</tbody></table>`;
  }

  async function loadRecording(id) {
    const resp = await api("/api/recordings/" + id);
    if (!resp.ok) { $("rec-summary").innerHTML = `<p class="error">${esc(await detail(resp))}</p>`; return; }
    const rec = await resp.json();
    state.rec = rec;
    state.trace = (await (await api(`/api/recordings/${id}/trace`)).json()).trace;
    const cur = rec.corrected || rec;
    state.beats = cur.beats.map((b) => b.time_s);
    state.onset = cur.stretch_onset_s;
    $("rec-title").textContent = rec.record.filename;
    $("rec-summary").innerHTML = `<p class="muted">Channel ${esc(rec.channel)} · ${fmt(rec.fs_hz, 1)} Hz · ` +
      `uploaded ${esc(new Date(rec.record.created_at).toLocaleString())} · sha256 ${esc(rec.record.sha256.slice(0, 12))}…</p>` +
      [...(rec.record.messages || []), ...(rec.warnings || [])].map((m) => `<p class="error" data-testid="warning">⚠ ${esc(m)}</p>`).join("");
    $("auto-result").innerHTML = gradesTable(rec);
    $("corr-result").innerHTML = rec.corrected ? gradesTable(rec.corrected) : '<p class="muted">No correction yet.</p>';
    $("disclaimer").textContent = rec.disclaimer || "";
    $("save-edit").disabled = true;
    $("edit-status").textContent = "";
    drawPlot();
  }

  function plotScales() {
    const W = 1000, H = 320, L = 50, R = 10, T = 10, B = 30;
    const tr = state.trace;
    const ts = tr ? tr.times_s : [0, 1];
    const vs = tr ? tr.values.filter((v) => v !== null) : [0, 1];
    const t0 = ts[0], t1 = ts[ts.length - 1] || 1;
    let vmin = Math.min(...vs), vmax = Math.max(...vs);
    if (vmax - vmin < 1e-9) { vmin -= 1; vmax += 1; }
    const pad = 0.08 * (vmax - vmin);
    vmin -= pad; vmax += pad;
    return { W, H, L, R, T, B, t0, t1, vmin, vmax,
      x: (t) => L + ((t - t0) / (t1 - t0)) * (W - L - R),
      y: (v) => T + (1 - (v - vmin) / (vmax - vmin)) * (H - T - B),
      tOf: (px) => t0 + ((px - L) / (W - L - R)) * (t1 - t0) };
  }

  function valueAt(t) {
    const tr = state.trace;
    if (!tr) return 0;
    const ts = tr.times_s;
    let lo = 0, hi = ts.length - 1;
    while (hi - lo > 1) { const m = (lo + hi) >> 1; if (ts[m] < t) lo = m; else hi = m; }
    return tr.values[Math.abs(ts[lo] - t) < Math.abs(ts[hi] - t) ? lo : hi] || 0;
  }

  function drawPlot() {
    const svg = $("plot");
    svg.innerHTML = "";
    const s = plotScales();
    el("rect", { x: 0, y: 0, width: s.W, height: s.H, fill: "white", "data-testid": "plot-bg" }, svg);
    el("line", { x1: s.L, y1: s.H - s.B, x2: s.W - s.R, y2: s.H - s.B, class: "axis" }, svg);
    el("line", { x1: s.L, y1: s.T, x2: s.L, y2: s.H - s.B, class: "axis" }, svg);
    const tr = state.trace;
    const unit = tr ? tr.unit : "";
    el("text", { x: 2, y: s.T + 10 }, svg).textContent = fmt(s.vmax, 1) + " " + unit;
    el("text", { x: 2, y: s.H - s.B }, svg).textContent = fmt(s.vmin, 1);
    const step = Math.max(1, Math.ceil((s.t1 - s.t0) / 10));
    for (let t = Math.ceil(s.t0); t <= s.t1; t += step) {
      el("text", { x: s.x(t) - 4, y: s.H - 10 }, svg).textContent = t + " s";
    }
    if (tr) {
      let d = "";
      tr.times_s.forEach((t, i) => { const v = tr.values[i]; if (v !== null) d += (d ? "L" : "M") + s.x(t).toFixed(1) + "," + s.y(v).toFixed(1); });
      el("path", { d, class: "trace", "data-testid": "trace" }, svg);
    } else {
      el("text", { x: s.W / 2 - 80, y: s.H / 2 }, svg).textContent = "No signal trace stored.";
    }
    for (const b of state.rec.beats) {
      el("circle", { cx: s.x(b.time_s), cy: s.y(valueAt(b.time_s)), r: 9, class: "beat auto" }, svg);
    }
    if (state.onset !== null && state.onset !== undefined) {
      el("line", { x1: s.x(state.onset), x2: s.x(state.onset), y1: s.T, y2: s.H - s.B, class: "onset", "data-testid": "onset" }, svg);
    }
    state.beats.forEach((t, i) => {
      const g = el("g", { "data-testid": "beat", "data-time": t.toFixed(4) }, svg);
      el("circle", { cx: s.x(t), cy: s.y(valueAt(t)), r: 7, class: "beat" }, g);
      el("circle", { cx: s.x(t), cy: s.y(valueAt(t)), r: 18, class: "hit" }, g);  // finger-sized target
      el("title", {}, g).textContent = `beat ${i + 1} at ${t.toFixed(3)} s (tap to remove)`;
      g.addEventListener("click", (ev) => {
        ev.stopPropagation();
        if (state.mode !== "beat") return;
        state.beats.splice(state.beats.indexOf(t), 1);
        edited();
      });
    });
  }

  $("plot").addEventListener("click", (ev) => {
    if (!state.rec) return;
    const svg = $("plot");
    const pt = svg.createSVGPoint();
    pt.x = ev.clientX; pt.y = ev.clientY;
    const p = pt.matrixTransform(svg.getScreenCTM().inverse());
    const s = plotScales();
    if (p.x < s.L || p.x > s.W - s.R) return;
    const t = Math.max(s.t0, Math.min(s.t1, s.tOf(p.x)));
    if (state.mode === "onset") { state.onset = t; }
    else { state.beats.push(t); state.beats.sort((a, b) => a - b); }
    edited();
  });

  function edited() {
    $("save-edit").disabled = false;
    $("edit-status").textContent = `${state.beats.length} beats marked` +
      (state.onset !== null ? `, stretch onset ${state.onset.toFixed(3)} s` : "") + " (not saved).";
    drawPlot();
  }

  function setMode(m) {
    state.mode = m;
    $("mode-beat").setAttribute("aria-pressed", String(m === "beat"));
    $("mode-onset").setAttribute("aria-pressed", String(m === "onset"));
    $("mode-beat").classList.toggle("secondary", m !== "beat");
    $("mode-onset").classList.toggle("secondary", m !== "onset");
  }
  $("mode-beat").onclick = () => setMode("beat");
  $("mode-onset").onclick = () => setMode("onset");
  $("reset-edit").onclick = () => loadRecording(state.rec.id);
  $("save-edit").onclick = async () => {
    const resp = await guard(() => api(`/api/recordings/${state.rec.id}/review`, {
      method: "PATCH", json: { beat_times_s: state.beats, stretch_onset_s: state.onset } }));
    if (!resp) return;
    if (!resp.ok) { $("edit-status").innerHTML = `<span class="error">${esc(await detail(resp))}</span>`; return; }
    await loadRecording(state.rec.id);
    $("edit-status").textContent = "Correction saved beside the automatic result.";
  };

  $("delete-rec").onclick = async () => {
    if (!state.rec || !confirm("Delete this recording, its results and its file? This cannot be undone.")) return;
    const resp = await guard(() => api(`/api/recordings/${state.rec.id}`, { method: "DELETE" }));
    if (!resp) return;
    if (resp.status !== 204) { $("report-status").innerHTML = `<span class="error">${esc(await detail(resp))}</span>`; return; }
    const pid = state.rec.record.patient_id;
    location.hash = pid ? "#/patient/" + pid : "#/";
  };

  async function download(url, statusEl, fallbackName) {
    statusEl.textContent = "Preparing the report…";
    const resp = await guard(() => api(url));
    if (!resp) return;
    if (!resp.ok) { statusEl.innerHTML = `<span class="error">${esc(await detail(resp))}</span>`; return; }
    const blob = await resp.blob();
    const m = /filename="([^"]+)"/.exec(resp.headers.get("Content-Disposition") || "");
    const a = $("download-link");
    a.href = URL.createObjectURL(blob);
    a.download = m ? m[1] : fallbackName;
    a.click();
    statusEl.textContent = "Report downloaded.";
  }

  $("reports").addEventListener("click", (ev) => {
    const f = ev.target.dataset && ev.target.dataset.format;
    if (!f || !state.rec) return;
    const aid = state.rec.record.corrected_assessment_id || state.rec.assessment_id;
    download(`/api/assessments/${aid}/report?format=${f}`, $("report-status"), `clonus-report.${f}`);
  });

  $("patient-reports").addEventListener("click", (ev) => {
    const f = ev.target.dataset && ev.target.dataset.format;
    if (!f || state.patientId === null) return;
    download(`/api/patients/${state.patientId}/report?format=${f}`, $("patient-report-status"), `clonus-patient.${f}`);
  });

  // ------------------------------------------------------------------ routing
  let routeSeq = 0;  // a newer route() makes an older one still waiting on the server stop
  async function route() {
    const seq = ++routeSeq;
    document.body.setAttribute("aria-busy", "true");  // until the newest route() has finished
    try { await showRoute(seq); } finally {
      if (seq === routeSeq) document.body.setAttribute("aria-busy", "false");
    }
  }
  async function showRoute(seq) {
    if (!clonus.token()) { show("login-view"); return; }
    await guard(async () => {
      const me = await (await api("/api/users/me")).json();
      if (seq !== routeSeq) return;
      $("who").textContent = me.email;
      const h = location.hash || "#/";
      let m;
      if ((m = /^#\/recording\/(\d+)/.exec(h))) {
        show("recording-view");
        setMode("beat");
        await loadRecording(Number(m[1]));
        return;
      }
      m = /^#\/patient\/(\d+)/.exec(h);
      state.patientId = m ? Number(m[1]) : null;
      show("home-view");
      await loadPatients();
      if (seq !== routeSeq) return;
      const p = state.patients.find((x) => x.id === state.patientId);
      $("patient-title").textContent = p ? "Patient " + p.code : "All recordings";
      for (const load of [loadSessions, loadContext, loadRecordings, loadTrends]) {
        await load();
        if (seq !== routeSeq) return;
      }
    });
  }
  window.addEventListener("hashchange", route);
  route();
})();
