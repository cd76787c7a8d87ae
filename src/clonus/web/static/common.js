/* Shared helpers of the clonus pages: login token and authenticated fetch. */
"use strict";
const clonus = (() => {
  const KEY = "clonus.token";
  const token = () => localStorage.getItem(KEY);
  const setToken = (t) => (t ? localStorage.setItem(KEY, t) : localStorage.removeItem(KEY));
  async function api(path, opts = {}) {
    const headers = Object.assign({}, opts.headers || {});
    const t = token();
    if (t) headers["Authorization"] = "Bearer " + t;
    if (opts.json !== undefined) {
      headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(opts.json);
    }
    const resp = await fetch(path, Object.assign({}, opts, { headers }));
    if (resp.status === 401 && !path.startsWith("/api/auth")) {
      setToken(null);
      const err = new Error("Not logged in");
      err.status = 401;
      throw err;
    }
    return resp;
  }
  async function detail(resp) {
    try {
      const body = await resp.json();
      if (typeof body.detail === "string") return body.detail;
      return JSON.stringify(body.detail || body);
    } catch (e) { return resp.status + " " + resp.statusText; }
  }
  async function login(email, password) {
    const body = new URLSearchParams({ username: email, password: password });
    const resp = await fetch("/api/auth/token", { method: "POST", body });
    if (!resp.ok) throw new Error(await detail(resp));
    setToken((await resp.json()).access_token);
  }
  const fmt = (x, d = 2) => (x === null || x === undefined ? "–" : Number(x).toFixed(d));
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  return { token, setToken, api, detail, login, fmt, esc };
})();
