"""Browser tests: Debian's Chromium driven by Playwright against a real uvicorn server.

Log in, add a patient, upload a recording, see the beats, correct one, see the trend, download
a report; and the live-capture page with synthetic DeviceMotion events, including an upload
interrupted by a lost connection.
"""

from __future__ import annotations

import shutil

import pytest

from .conftest import PASSWORD, Server, create_user_in

pytestmark = [pytest.mark.browser, pytest.mark.web]

sync_api = pytest.importorskip("playwright.sync_api")
httpx = pytest.importorskip("httpx2")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None:
    pytest.skip("Debian chromium is not installed (apt-get install chromium); "
                "browser tests skipped", allow_module_level=True)

# Generous waits for a loaded 2-core CI machine: every `expect` polls for up to 30 s (the
# default is 5 s; 60 s where the server analyses an upload) and every action (click, goto,
# download) waits up to 60 s. They only cost time when something is wrong.
sync_api.expect.set_options(timeout=30_000)

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
EMAIL = "clinician@example.org"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("browser") / "data"
    create_user_in(data_dir, EMAIL)
    srv = Server(data_dir).start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser, server):
    ctx = browser.new_context(base_url=server.url, accept_downloads=True,
                              viewport={"width": 412, "height": 915})  # a phone-sized window
    external: list[str] = []

    def only_local(route):
        if route.request.url.startswith(server.url):
            route.continue_()
        else:  # record and block anything that would leave the machine
            external.append(route.request.url)
            route.abort()

    ctx.route("**/*", only_local)
    pg = ctx.new_page()
    pg.set_default_timeout(60_000)
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    # console errors include Content-Security-Policy violations ("Refused to ..."); HTTP error
    # answers the tests provoke (401 for a wrong password, offline fetches) are not bugs
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error"
          and not m.text.startswith("Failed to load resource") else None)
    yield pg
    ctx.close()
    assert not errors, errors  # no JavaScript error on any page
    assert not external, external  # everything is served locally


def _api_token(server) -> str:
    r = httpx.post(server.url + "/api/auth/token",
                   data={"username": EMAIL, "password": PASSWORD}, timeout=30)
    return r.json()["access_token"]


def test_login_upload_review_trend_report(page, server, capture_csv):
    path, truth = capture_csv
    page.goto("/")
    page.fill("#email", EMAIL)
    page.fill("#password", "wrong password")
    page.click("[data-testid=login-submit]")
    sync_api.expect(page.locator("#login-error")).to_contain_text("Wrong")
    page.fill("#password", PASSWORD)
    page.click("[data-testid=login-submit]")
    sync_api.expect(page.locator("[data-testid=patients]")).to_be_visible()

    page.fill("[data-testid=patient-code]", "P-014")
    page.click("[data-testid=patient-add]")
    sync_api.expect(page.locator("#patient-title")).to_have_text("Patient P-014")
    sync_api.expect(page.locator("[data-testid=upload-patient]")).to_have_value(
        page.locator("[data-testid=upload-patient] option", has_text="P-014").get_attribute(
            "value"))

    # the patient page has finished loading: the newest route() is done (a "No recordings"
    # left from the home page matched early under load, and the context form loading after
    # the fill below cleared the field)
    sync_api.expect(page.locator("body")).to_have_attribute("aria-busy", "false")
    sync_api.expect(page.locator("[data-testid=recordings]")).to_contain_text("No recordings")
    # clinical context for the patient (an impossible age is refused by the form itself; the
    # server validates it again, see test_api.py)
    page.fill("[data-testid=ctx-age]", "-4")
    page.click("[data-testid=ctx-save]")
    assert page.locator("[data-testid=ctx-age]").evaluate("e => e.validity.valid") is False
    sync_api.expect(page.locator("[data-testid=ctx-status]")).to_have_text("")
    page.fill("[data-testid=ctx-age]", "47")
    page.fill("[data-testid=ctx-meds]", "baclofen, tizanidine")
    page.click("[data-testid=ctx-save]")
    sync_api.expect(page.locator("[data-testid=ctx-status]")).to_have_text("Saved.")

    # a session (visit) for the patient, chosen for the upload
    page.fill("[data-testid=session-notes]", "baseline")
    page.click("[data-testid=session-add]")
    sync_api.expect(page.locator("[data-testid=session-row]")).to_have_count(1)
    sync_api.expect(page.locator("[data-testid=session-row]")).to_contain_text("baseline")
    session_value = page.locator("[data-testid=upload-session] option").nth(1).get_attribute(
        "value")
    page.select_option("[data-testid=upload-session]", session_value)

    page.set_input_files("[data-testid=upload-file]", str(path))
    page.click("[data-testid=upload-submit]")
    sync_api.expect(page.locator("[data-testid=plot] [data-testid=trace]")).to_be_visible(
        timeout=60_000)
    beats = page.locator("[data-testid=plot] [data-testid=beat]")
    token = _api_token(server)
    rid = int(page.evaluate("location.hash").rsplit("/", 1)[1])
    auto = httpx.get(f"{server.url}/api/recordings/{rid}",
                     headers={"Authorization": f"Bearer {token}"}, timeout=30).json()
    # the markers are drawn after the trace: wait for them (a bare count raced under load)
    sync_api.expect(beats).to_have_count(len(truth))
    assert auto["n_beats"] == len(truth)
    sync_api.expect(page.locator("[data-testid=auto-result] [data-testid=n-beats]")).to_have_text(
        str(len(truth)))

    # remove the first beat by tapping it, save, and see the corrected count
    first_t = float(beats.first.get_attribute("data-time"))
    beats.first.click()
    sync_api.expect(beats).to_have_count(len(truth) - 1)
    page.click("[data-testid=save-edit]")
    sync_api.expect(page.locator("[data-testid=corr-result] [data-testid=n-beats]")).to_have_text(
        str(len(truth) - 1))
    stored = httpx.get(f"{server.url}/api/recordings/{rid}",
                       headers={"Authorization": f"Bearer {token}"}, timeout=30).json()
    assert stored["corrected"]["n_beats"] == len(truth) - 1
    assert all(abs(b["time_s"] - first_t) > 1e-3 for b in stored["corrected"]["beats"])
    assert stored["n_beats"] == len(truth)  # automatic result kept
    assert stored["record"]["session_id"] == int(session_value)
    pid = stored["record"]["patient_id"]
    ctx = httpx.get(f"{server.url}/api/patients/{pid}/context",
                    headers={"Authorization": f"Bearer {token}"}, timeout=30).json()["data"]
    assert ctx == {"age_years": 47, "medications": ["baclofen", "tizanidine"]}

    # add a beat by tapping the trace near t = 3.5 s (scrolling the plot sideways on the
    # phone-sized screen first), then save
    page.evaluate("document.querySelector('.plot-scroll').scrollLeft = 10000")
    box = page.locator("[data-testid=plot]").bounding_box()
    t0, t1 = auto_trace_span(server, token, rid)
    x = box["x"] + box["width"] * (50 + (3.5 - t0) / (t1 - t0) * 940) / 1000
    assert 0 < x < page.viewport_size["width"]
    page.mouse.click(x, box["y"] + box["height"] / 2)
    sync_api.expect(beats).to_have_count(len(truth))
    added = sorted(float(b.get_attribute("data-time")) for b in beats.all())
    assert min(abs(t - 3.5) for t in added) < 0.05  # where it was tapped
    page.click("[data-testid=save-edit]")
    sync_api.expect(page.locator("[data-testid=corr-result] [data-testid=n-beats]")).to_have_text(
        str(len(truth)))

    # trends on the patient page
    page.click("text=← back")
    page.click("[data-testid=patient-P-014]")
    sync_api.expect(page.locator("[data-testid=trend-n_beats] circle")).to_have_count(1)
    sync_api.expect(page.locator("[data-testid=recording-row]")).to_have_count(1)
    with page.expect_download() as dl:  # the report of all this patient's visits
        page.click("[data-testid=patient-report-html]")
    assert dl.value.suggested_filename.endswith(".html")
    with open(dl.value.path(), encoding="utf-8") as fh:
        assert "P-014" in fh.read()

    page.locator("[data-testid=recording-row]").first.click()
    sync_api.expect(page.locator("[data-testid=plot] [data-testid=trace]")).to_be_visible()
    sync_api.expect(page.locator("[data-testid=plot] [data-testid=beat]")).to_have_count(
        len(truth))


def test_download_reports(page, server, capture_csv):
    token = _login_page(page, server)
    path, _ = capture_csv
    r = httpx.post(server.url + "/api/recordings", headers={"Authorization": f"Bearer {token}"},
                   files={"file": (path.name, path.read_bytes(), "text/csv")}, timeout=60)
    assert r.status_code == 201
    page.goto(f"/#/recording/{r.json()['id']}")
    sync_api.expect(page.locator("[data-testid=plot] [data-testid=trace]")).to_be_visible()
    # (PDF is checked through the API in test_api.py; rendering it here too only costs time)
    for fmt, suffix, magic in [("html", ".html", b"<"), ("fhir", ".fhir.json", b"{")]:
        with page.expect_download() as dl:
            page.click(f"[data-testid=report-{fmt}]")
        assert dl.value.suggested_filename.endswith(suffix)
        with open(dl.value.path(), "rb") as fh:
            assert fh.read().lstrip()[: len(magic)] == magic

    # delete it (after confirming) and land on the list
    page.once("dialog", lambda d: d.accept())
    page.click("[data-testid=delete-recording]")
    sync_api.expect(page.locator("#home-view")).to_be_visible()
    rid = r.json()["id"]
    gone = httpx.get(f"{server.url}/api/recordings/{rid}",
                     headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert gone.status_code == 404


def test_overlapping_page_loads_show_everything_once(page, server, capture_csv):
    """Two loads of the patient page overlapping (a quick second click, or "back" and then a
    patient before the first page has finished loading): each row and chart is shown once.
    Before the fix both loads cleared the sessions list, then both filled it in."""
    token = _login_page(page, server)
    h = {"Authorization": f"Bearer {token}"}
    pid = httpx.post(server.url + "/api/patients", json={"code": "P-RACE"}, headers=h,
                     timeout=30).json()["id"]
    assert httpx.post(server.url + "/api/sessions", json={"patient_id": pid, "notes": "one"},
                      headers=h, timeout=30).status_code == 201
    path, _ = capture_csv
    r = httpx.post(server.url + "/api/recordings", headers=h, data={"patient_id": str(pid)},
                   files={"file": (path.name, path.read_bytes(), "text/csv")}, timeout=60)
    assert r.status_code == 201, r.text
    page.goto(f"/#/patient/{pid}")
    busy = sync_api.expect(page.locator("body"))
    busy.to_have_attribute("aria-busy", "false")  # the page has finished loading
    page.evaluate("""() => { for (let i = 0; i < 2; i++) {
        window.dispatchEvent(new HashChangeEvent("hashchange")); } }""")
    busy.to_have_attribute("aria-busy", "false")  # the newer of the two loads has finished
    assert page.locator("[data-testid=session-row]").count() == 1
    assert page.locator("[data-testid=recording-row]").count() == 1
    assert page.locator("[data-testid=trend-n_beats]").count() == 1
    assert page.locator("[data-testid=trend-n_beats] circle").count() == 1
    assert page.locator("[data-testid=patient-P-RACE]").count() == 1


def auto_trace_span(server, token, rid) -> tuple[float, float]:
    tr = httpx.get(f"{server.url}/api/recordings/{rid}/trace",
                   headers={"Authorization": f"Bearer {token}"}, timeout=30).json()["trace"]
    return tr["times_s"][0], tr["times_s"][-1]


# Synthetic motion: the phone on the foot sees the stretch (a smooth 15 deg dorsiflexion in
# 0.15 s) and then nBeats cycles of 6 Hz clonus, as rotation about its x axis
# (rotationRate.beta, deg/s), with gravity in accelerationIncludingGravity, plus sensor noise
# (0.5 deg/s, 0.05 m/s^2), as a real phone has.
# Dispatched at 100 Hz by setInterval. The capture tests install Playwright's fake clock
# (page.clock) and advance it with clock.run_for, so every event arrives exactly 10 ms after
# the previous one and the page's performance.now() time stamps are exact, however loaded the
# machine is (with the real clock, a busy machine delays and bunches the timer callbacks).
DISPATCH = """
([nBeats, stopAfterS]) => new Promise((resolve) => {
  const f = 6.0, amp = 4.0, stretchAt = 0.5, rise = 0.15, start = stretchAt + rise;
  const end = (nBeats + 0.5) / f;
  let seed = 12345;
  const uni = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return (seed + 0.5) / 2147483648;
  };
  const noise = (s) => s * Math.sqrt(-2 * Math.log(uni())) * Math.cos(2 * Math.PI * uni());
  const rate = (t) => {            // d(angle)/dt in deg/s
    if (t >= stretchAt && t < start) {
      return 15 * Math.PI / rise / 2 * Math.sin(Math.PI * (t - stretchAt) / rise);
    }
    const u = t - start;
    if (u >= 0 && u < end) return -amp / 2 * 2 * Math.PI * f * Math.sin(2 * Math.PI * f * u);
    return 0;
  };
  const angle = (t) => {
    if (t < stretchAt) return 0;
    if (t < start) return 15 * (1 - Math.cos(Math.PI * (t - stretchAt) / rise)) / 2;
    const u = t - start;
    return 15 - (u < end ? amp / 2 * (1 - Math.cos(2 * Math.PI * f * u)) : amp);
  };
  const t0 = performance.now();
  let n = 0;
  const id = setInterval(() => {
    const t = (performance.now() - t0) / 1000;
    const th = angle(t) * Math.PI / 180;
    window.dispatchEvent(new DeviceMotionEvent("devicemotion", {
      interval: 10,
      rotationRate: { alpha: noise(0.5), beta: rate(t) + noise(0.5), gamma: noise(0.5) },
      accelerationIncludingGravity: { x: noise(0.05), y: 9.81 * Math.sin(th) + noise(0.05),
                                      z: 9.81 * Math.cos(th) + noise(0.05) },
      acceleration: { x: 0, y: 0, z: 0 } }));
    n++;
    if (t > stopAfterS) { clearInterval(id); resolve(n); }
  }, 10);
})
"""


# the fake clock starts here (Unix seconds), a fixed date so runs are identical
CLOCK_T0 = 1_767_225_600.0  # 2026-01-01T00:00:00Z


def _start_capture(page, countdown_s: int) -> None:
    """Open the capture page on the fake clock, press Start and run the countdown."""
    page.clock.install(time=CLOCK_T0)
    page.goto(f"/capture?countdown={countdown_s}")  # waits for "load": the script has run
    # from here on page time moves only when the test says so (the page's start-up, IndexedDB
    # and fetch do not wait on timers, so they go on regardless)
    page.clock.pause_at(CLOCK_T0 + 60)
    page.click("[data-testid=capture-start]")
    if countdown_s:
        sync_api.expect(page.locator("[data-testid=countdown]")).to_have_text(str(countdown_s))
        page.clock.run_for(countdown_s * 1000)
    sync_api.expect(page.locator("[data-testid=countdown]")).to_have_text("Go")


def _dispatch(page, n_beats: int, stop_after_s: float) -> int:
    """Send the synthetic motion events on the fake clock; returns how many were sent."""
    page.evaluate(f"(args) => {{ window.__dispatched = ({DISPATCH})(args); }}",
                  [n_beats, stop_after_s])
    page.clock.run_for(round(stop_after_s * 1000) + 100)  # fires every 10 ms interval in turn
    return page.evaluate("window.__dispatched")


def _login_page(page, server) -> str:
    token = _api_token(server)
    page.goto("/")
    page.evaluate("t => localStorage.setItem('clonus.token', t)", token)
    return token


def _pending(page) -> int:
    return page.evaluate("""() => new Promise((res, rej) => {
        const r = indexedDB.open('clonus-capture', 1);
        r.onupgradeneeded = () => r.result.createObjectStore('pending', { keyPath: 'id' });
        r.onsuccess = () => { const db = r.result;
          const q = db.transaction('pending').objectStore('pending').count();
          q.onsuccess = () => { db.close(); res(q.result); }; q.onerror = () => rej(q.error); };
        r.onerror = () => rej(r.error); })""")


def _n_recordings(server, token) -> int:
    return len(httpx.get(server.url + "/api/recordings",
                         headers={"Authorization": f"Bearer {token}"}, timeout=30).json())


def test_live_capture_uploads_and_shows_result(page, server):
    token = _login_page(page, server)
    before = _n_recordings(server, token)
    _start_capture(page, countdown_s=1)
    n = _dispatch(page, 8, 3.0)
    assert n == 301  # t = 0.01, 0.02, ..., 3.01 s: the first past 3.0 s is the last
    assert int(page.locator("[data-testid=n-samples]").inner_text()) == n
    page.clock.resume()  # real time again for the upload
    page.click("[data-testid=capture-stop]")
    sync_api.expect(page.locator("[data-testid=capture-n-beats]")).to_be_visible(timeout=60_000)
    shown = int(page.locator("[data-testid=capture-n-beats]").inner_text())
    assert _pending(page) == 0  # removed from the phone after the 201
    assert _n_recordings(server, token) == before + 1
    rec = httpx.get(server.url + "/api/recordings",
                    headers={"Authorization": f"Bearer {token}"}, timeout=30).json()[0]
    assert rec["n_beats"] == shown
    # 8 synthetic cycles, sampled exactly at 100 Hz (fake clock): each is one beat
    assert shown == 8
    csv = httpx.get(f"{server.url}/api/recordings/{rec['id']}/file",
                    headers={"Authorization": f"Bearer {token}"}, timeout=30).text
    header = csv.splitlines()[0]
    assert header == ("time_s,gyro_x (rad/s),gyro_y (rad/s),gyro_z (rad/s),"
                      "acc_x (m/s^2),acc_y (m/s^2),acc_z (m/s^2)")
    times = [float(line.split(",")[0]) for line in csv.splitlines()[1:]]
    steps = {round(b - a, 6) for a, b in zip(times[:-1], times[1:], strict=True)}
    assert len(steps) == 1  # resampled onto a uniform grid


def test_live_capture_survives_lost_connection(page, server):
    token = _login_page(page, server)
    before = _n_recordings(server, token)
    _start_capture(page, countdown_s=0)
    n = _dispatch(page, 6, 2.0)
    assert int(page.locator("[data-testid=n-samples]").inner_text()) == n == 201
    page.clock.resume()
    page.context.set_offline(True)
    page.click("[data-testid=capture-stop]")
    sync_api.expect(page.locator("[data-testid=capture-status]")).to_contain_text(
        "kept on this phone", timeout=60_000)
    assert _pending(page) == 1
    sync_api.expect(page.locator("[data-testid=n-pending]")).to_have_text("1")
    assert _n_recordings(server, token) == before

    page.context.set_offline(False)  # fires "online": the page sends it again
    sync_api.expect(page.locator("[data-testid=capture-n-beats]")).to_be_visible(timeout=60_000)
    sync_api.expect(page.locator("[data-testid=n-pending]")).to_have_text("0")
    assert _pending(page) == 0
    assert _n_recordings(server, token) == before + 1


def test_pending_capture_sent_on_next_visit(page, server):
    """A recording left on the phone is sent when the capture page is opened again."""
    token = _login_page(page, server)
    before = _n_recordings(server, token)
    from ._signals import write_clonus_csv

    tmp = server.data_dir.parent / "pending.csv"
    write_clonus_csv(tmp, n_beats=5)
    csv = tmp.read_text()
    page.goto("/static/app.css")  # same origin, without running the capture page's script
    page.evaluate("""(csv) => new Promise((res, rej) => {
        const r = indexedDB.open('clonus-capture', 1);
        r.onupgradeneeded = () => r.result.createObjectStore('pending', { keyPath: 'id' });
        r.onsuccess = () => { const db = r.result; const t = db.transaction('pending', 'readwrite');
          t.objectStore('pending').put({ id: 'left-over', filename: 'capture-left.csv', csv,
                                         patient_id: null, created: Date.now(), error: null });
          t.oncomplete = () => { db.close(); res(); }; t.onerror = () => rej(t.error); };
        r.onerror = () => rej(r.error); })""", csv)
    assert _pending(page) == 1
    page.goto("/capture")
    sync_api.expect(page.locator("[data-testid=capture-n-beats]")).to_have_text("5",
                                                                              timeout=60_000)
    assert _pending(page) == 0
    assert _n_recordings(server, token) == before + 1


def test_refused_capture_is_kept_then_discarded(page, server):
    """A recording the server refuses (422) stays on the phone with the reason, is not sent
    again, and can be discarded."""
    token = _login_page(page, server)
    before = _n_recordings(server, token)
    page.goto("/static/app.css")  # same origin, without running the capture page's script
    page.evaluate("""() => new Promise((res, rej) => {
        const r = indexedDB.open('clonus-capture', 1);
        r.onupgradeneeded = () => r.result.createObjectStore('pending', { keyPath: 'id' });
        r.onsuccess = () => { const db = r.result; const t = db.transaction('pending', 'readwrite');
          t.objectStore('pending').put({ id: 'broken', filename: 'capture-broken.csv',
                                         csv: 'not,a\\nrecording', patient_id: null,
                                         created: Date.now(), error: null });
          t.oncomplete = () => { db.close(); res(); }; t.onerror = () => rej(t.error); };
        r.onerror = () => rej(r.error); })""")
    page.goto("/capture")
    sync_api.expect(page.locator("[data-testid=capture-status]")).to_contain_text(
        "refused", timeout=60_000)
    sync_api.expect(page.locator("[data-testid=capture-discard]")).to_be_visible()
    assert _pending(page) == 1
    page.click("[data-testid=capture-retry]")  # not sent again
    assert _n_recordings(server, token) == before
    page.once("dialog", lambda d: d.accept())
    page.click("[data-testid=capture-discard]")
    sync_api.expect(page.locator("[data-testid=n-pending]")).to_have_text("0")
    assert _pending(page) == 0
