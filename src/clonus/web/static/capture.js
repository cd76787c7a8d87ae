/* Live capture: record the phone's gyroscope and accelerometer through the DeviceMotion API,
   keep the recording in IndexedDB, upload it, retry on reconnect. Plain JS, no build.

   CSV written (read by clonus.read): time_s,gyro_x (rad/s),gyro_y (rad/s),gyro_z (rad/s),
   acc_x (m/s^2),acc_y (m/s^2),acc_z (m/s^2), resampled onto a uniform time grid.
   W3C DeviceOrientation spec: rotationRate.alpha/beta/gamma are rates about the device's
   z/x/y axes in deg/s; accelerationIncludingGravity is in m/s^2. */
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const params = new URLSearchParams(location.search);
  const COUNTDOWN_S = params.has("countdown") ? Number(params.get("countdown")) : 3;
  const MAX_S = 60;                       // stop automatically after one minute
  const DEG = Math.PI / 180;
  const DB_NAME = "clonus-capture", STORE = "pending";
  let samples = [], recording = false, t0 = null, timer = null, sending = false;

  // ------------------------------------------------------------------ IndexedDB queue
  function openDb() {
    return new Promise((resolve, reject) => {
      const req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: "id" });
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }
  async function tx(mode, fn) {
    const db = await openDb();
    return new Promise((resolve, reject) => {
      const t = db.transaction(STORE, mode);
      const out = fn(t.objectStore(STORE));
      t.oncomplete = () => { db.close(); resolve(out && out.result !== undefined ? out.result : out); };
      t.onerror = () => { db.close(); reject(t.error); };
    });
  }
  const putPending = (item) => tx("readwrite", (s) => s.put(item));
  const delPending = (id) => tx("readwrite", (s) => s.delete(id));
  const allPending = () => tx("readonly", (s) => s.getAll());
  async function showPending() {
    const items = await allPending();
    $("n-pending").textContent = items.length;
    $("discard").classList.toggle("hidden", !items.some((i) => i.error));
  }

  // ------------------------------------------------------------------ sensors
  function onMotion(ev) {
    if (!recording) return;
    const now = performance.now();
    if (t0 === null) t0 = now;
    const r = ev.rotationRate || {}, a = ev.accelerationIncludingGravity || {};
    samples.push([(now - t0) / 1000, (r.beta || 0) * DEG, (r.gamma || 0) * DEG, (r.alpha || 0) * DEG,
                  a.x || 0, a.y || 0, a.z || 0]);
    $("n-samples").textContent = samples.length;
  }
  window.addEventListener("devicemotion", onMotion);

  function drawLive() {
    const c = $("live"), g = c.getContext("2d");
    const dpr = window.devicePixelRatio || 1;
    const w = Math.round(c.clientWidth * dpr), h = Math.round(c.clientHeight * dpr);
    if (w > 0 && (c.width !== w || c.height !== h)) { c.width = w; c.height = h; }
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.clearRect(0, 0, c.width, c.height);
    const win = samples.filter((s) => s[0] >= (samples.length ? samples[samples.length - 1][0] - 5 : 0));
    if (win.length > 1) {
      const tEnd = win[win.length - 1][0];
      const m = Math.max(0.5, ...win.map((s) => Math.max(Math.abs(s[1]), Math.abs(s[2]), Math.abs(s[3]))));
      const colours = ["#c62828", "#2e7d32", "#1565c0"];   // gyroscope x, y, z
      for (let axis = 1; axis <= 3; axis++) {
        g.strokeStyle = colours[axis - 1]; g.lineWidth = 1.5 * dpr; g.beginPath();
        win.forEach((s, i) => {
          const x = c.width - ((tEnd - s[0]) / 5) * c.width, y = c.height / 2 - (s[axis] / m) * (c.height / 2 - 5);
          if (i) g.lineTo(x, y); else g.moveTo(x, y);
        });
        g.stroke();
      }
    }
    g.fillStyle = "#546e7a"; g.font = `${Math.round(14 * dpr)}px sans-serif`;
    g.fillText("gyroscope x / y / z (rad/s), last 5 s", 8 * dpr, 18 * dpr);
    if (recording) requestAnimationFrame(drawLive);
  }

  async function askPermission() {
    if (typeof DeviceMotionEvent === "undefined") throw new Error("This browser has no motion sensor API.");
    if (typeof DeviceMotionEvent.requestPermission === "function") {   // iOS Safari 13+
      const answer = await DeviceMotionEvent.requestPermission();
      if (answer !== "granted") throw new Error("Permission to use the motion sensors was refused.");
    }
  }

  $("start").addEventListener("click", async () => {
    $("result").innerHTML = "";
    try { await askPermission(); } catch (e) { $("status").textContent = e.message; return; }
    if (!window.isSecureContext) $("status").textContent = "Warning: not a secure (HTTPS) page; phones may send no sensor data.";
    $("start").disabled = true;
    samples = []; t0 = null;
    for (let k = COUNTDOWN_S; k > 0; k--) {
      $("countdown").textContent = k;
      await new Promise((r) => setTimeout(r, 1000));
    }
    $("countdown").textContent = "Go";
    recording = true;
    $("stop").disabled = false;
    $("status").textContent = "Recording…";
    requestAnimationFrame(drawLive);
    timer = setTimeout(stop, MAX_S * 1000);
    setTimeout(() => { if (recording && samples.length === 0) $("status").textContent = "No motion data arrives. Open this page on a phone, over HTTPS."; }, 2000);
  });

  function toCsv(rows) {
    // Resample onto a uniform grid at the median event rate (browsers deliver events with jitter).
    const dts = [];
    for (let i = 1; i < rows.length; i++) dts.push(rows[i][0] - rows[i - 1][0]);
    dts.sort((a, b) => a - b);
    const dt = dts.length ? Math.max(dts[dts.length >> 1], 0.001) : 0.01;
    const fs = Math.max(1, Math.round(1 / dt));
    const tEnd = rows[rows.length - 1][0];
    const out = ["time_s,gyro_x (rad/s),gyro_y (rad/s),gyro_z (rad/s),acc_x (m/s^2),acc_y (m/s^2),acc_z (m/s^2)"];
    let j = 0;
    for (let k = 0; k / fs <= tEnd; k++) {
      const t = k / fs;
      while (j < rows.length - 2 && rows[j + 1][0] < t) j++;
      const a = rows[j], b = rows[Math.min(j + 1, rows.length - 1)];
      const w = b[0] > a[0] ? Math.min(1, Math.max(0, (t - a[0]) / (b[0] - a[0]))) : 0;
      const vals = [t.toFixed(6)];
      for (let c = 1; c < 7; c++) vals.push((a[c] + w * (b[c] - a[c])).toFixed(6));
      out.push(vals.join(","));
    }
    return { csv: out.join("\n") + "\n", fs };
  }

  async function stop() {
    if (!recording) return;
    recording = false;
    clearTimeout(timer);
    $("stop").disabled = true;
    $("start").disabled = false;
    $("countdown").textContent = "";
    if (samples.length < 10) { $("status").textContent = "Too few samples were recorded; nothing was saved."; return; }
    const { csv, fs } = toCsv(samples);
    const stamp = new Date().toISOString().replace(/[:.]/g, "-");
    const item = { id: stamp + "-" + Math.random().toString(36).slice(2, 8), filename: `capture-${stamp}.csv`,
                   csv, patient_id: $("patient").value || null, created: Date.now(), error: null };
    await putPending(item);             // kept on the phone BEFORE any upload is tried
    await showPending();
    $("status").textContent = `Recorded ${samples.length} samples (${fs} Hz). Sending…`;
    await sendPending();
  }
  $("stop").addEventListener("click", stop);

  // ------------------------------------------------------------------ upload and retry
  async function sendOne(item) {
    const fd = new FormData();
    fd.append("file", new Blob([item.csv], { type: "text/csv" }), item.filename);
    if (item.patient_id) fd.append("patient_id", item.patient_id);
    let resp;
    try { resp = await clonus.api("/api/recordings", { method: "POST", body: fd }); }
    catch (e) {
      if (e.status === 401) { $("need-login").hidden = false; return "login"; }
      return "offline";
    }
    if (resp.status === 201) {
      const body = await resp.json();
      await delPending(item.id);      // removed from the phone only once the server has it
      showResult(body);
      return "sent";
    }
    item.error = await clonus.detail(resp);
    await putPending(item);
    $("status").textContent = `The server refused ${item.filename}: ${item.error}`;
    return "refused";
  }

  async function sendPending() {
    if (sending) return;
    sending = true;
    try {
      const items = await allPending();
      let offline = false;
      for (const item of items) {
        if (item.error) continue;     // refused by the server: kept for the user, not resent
        const r = await sendOne(item);
        if (r === "offline") { offline = true; break; }
        if (r === "login") break;
      }
      await showPending();
      if (offline) $("status").textContent = "No connection: the recording is kept on this phone and will be sent when it is back online.";
    } finally { sending = false; }
  }
  $("retry").addEventListener("click", sendPending);
  $("discard").addEventListener("click", async () => {
    if (!confirm("Delete the recordings the server refused from this phone?")) return;
    for (const item of await allPending()) if (item.error) await delPending(item.id);
    await showPending();
  });
  window.addEventListener("online", sendPending);

  function showResult(a) {
    const esc = clonus.esc, fmt = clonus.fmt;
    $("status").textContent = "Sent and stored.";
    const grades = Object.values(a.grades || {}).map((g) => `<li>${esc(g.scale)}: ${esc(g.label)}</li>`).join("");
    $("result").innerHTML = `<p><span class="big" data-testid="capture-n-beats">${a.n_beats}</span> beats · ` +
      `${fmt(a.frequency_hz)} Hz · ${fmt(a.clonus_duration_s)} s · <b>${esc(a.classification)}</b></p>` +
      `<ul>${grades}</ul><p><a href="/#/recording/${a.id}" data-testid="capture-open">Open and review</a></p>` +
      `<p class="disclaimer">${esc(a.disclaimer || "")}</p>`;
  }

  // ------------------------------------------------------------------ start-up
  async function init() {
    if (!clonus.token()) { $("need-login").hidden = false; }
    else {
      try {
        const pts = await (await clonus.api("/api/patients")).json();
        for (const p of pts) {
          const o = document.createElement("option"); o.value = p.id; o.textContent = p.code;
          $("patient").appendChild(o);
        }
      } catch (e) { if (e.status === 401) $("need-login").hidden = false; }
    }
    await showPending();
    if (navigator.onLine && clonus.token()) sendPending();
    drawLive();
  }
  init();
})();
