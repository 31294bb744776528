#!/usr/bin/env python3
"""The dashboard as a person uses it, in headless Chromium over chromedriver (selenium).

    python3 tests/browser/dashboard.py --corridor target/debug/corridor [--out target/browser]

Starts `corridor serve` on a free loopback port with a fresh database, then: opens the
dashboard; asks for Xi'an → Duisburg and waits for the comparison table and the routes on
the map; runs a short scenario and watches its progress bar and its chart; compares two
scenarios and waits for the map in comparison mode; checks the scenario editor's line
errors. Screenshots of each step go to --out. Without Chromium, chromedriver or selenium
it says that it is skipped and exits 0 (CI installs them, so there it always runs).
"""
import argparse, os, shutil, socket, subprocess, sys, tempfile, time

def skip(why):
    print(f"SKIPPED: the browser test did not run: {why}")
    sys.exit(0)

try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait
except ImportError:
    skip("python selenium is not installed (pip install selenium)")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
if not CHROMIUM or not DRIVER:
    skip("chromium and chromedriver are not installed (apt-get install chromium chromium-driver)")

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corridor", default="target/debug/corridor")
    ap.add_argument("--out", default="target/browser")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="corridor-browser-")
    port = free_port()
    server = subprocess.Popen([a.corridor, "serve", "--bind", f"127.0.0.1:{port}", "--db", os.path.join(tmp, "c.db")],
                              stdout=subprocess.DEVNULL, stderr=open(os.path.join(a.out, "serve.log"), "w"))
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        run(f"http://127.0.0.1:{port}/", a.out, os.path.join(tmp, "profile"))
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)

def browser(profile):
    o = webdriver.ChromeOptions()
    o.binary_location = CHROMIUM
    for f in ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
              "--disable-component-update", "--no-first-run", f"--user-data-dir={profile}",
              "--window-size=1440,1000"]:
        o.add_argument(f)
    d = webdriver.Chrome(service=Service(DRIVER), options=o)
    d.set_page_load_timeout(30)
    return d

def run(url, out, profile):
    d = browser(profile)
    wait = WebDriverWait(d, 120)
    step = lambda name: d.save_screenshot(os.path.join(out, f"{name}.png"))
    try:
        t0 = time.time()
        d.get(url)
        wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "body").get_attribute("data-ready") == "1", 'd.find_element(By.CSS_SELECTOR, "body").get_attribute("data-ready") == "1"')
        links = d.find_elements(By.CSS_SELECTOR, "#map svg path[data-link]")
        assert len(links) > 50, f"{len(links)} links on the map"
        assert d.find_elements(By.CSS_SELECTOR, "#map svg [data-country]"), "no country outlines"
        print(f"dashboard ready in {time.time() - t0:.2f} s with {len(links)} links drawn")
        errors = [e for e in d.get_log("browser") if e["level"] == "SEVERE"]
        assert not errors, f"console errors: {errors}"
        step("1-opened")

        # A shipment: Xi'an → Duisburg.
        f = d.find_element(By.ID, "route-form")
        for name, value in [("from", "Xi'an"), ("to", "Duisburg"), ("teu", "2")]:
            el = f.find_element(By.NAME, name)
            el.clear()
            el.send_keys(value)
        f.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#compare-table tbody tr[data-row]"), 'd.find_elements(By.CSS_SELECTOR, "#compare-table tbody tr[data-row]")')
        rows = d.find_elements(By.CSS_SELECTOR, "#compare-table tbody tr[data-row]")
        routes = d.find_elements(By.CSS_SELECTOR, "#map svg g.routes path")
        assert len(rows) >= 3 and len(routes) >= 10, f"{len(rows)} rows, {len(routes)} route segments"
        # Keyboard: focusing a row (as Tab does) highlights its route, as hovering does.
        d.execute_script("arguments[0].focus()", rows[0])
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#map svg .links path.hl"), 'd.find_elements(By.CSS_SELECTOR, "#map svg .links path.hl")')
        print(f"compare: {len(rows)} corridors with a route, {len(routes)} route segments drawn")
        step("2-compare-xian-duisburg")

        # A short scenario run: progress, then its charts.
        d.find_element(By.ID, "tab-scenario").click()
        rf = d.find_element(By.ID, "run-form")
        Select(rf.find_element(By.NAME, "scenario")).select_by_value("red-sea-closure")
        for name, value in [("first", "2026"), ("last", "2026"), ("replications", "3")]:
            el = rf.find_element(By.NAME, name)
            el.clear()
            el.send_keys(value)
        rf.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        # The bar and its label stay after the end (a short run may end before the first look).
        wait.until(lambda d: "replications" in d.find_element(By.ID, "job-label").text, "the run's progress label")
        step("3-run-progress")
        print("progress:", d.find_element(By.ID, "job-label").text,
              d.find_element(By.ID, "job-progress").get_attribute("value"), "of", d.find_element(By.ID, "job-progress").get_attribute("max"))
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#card-transit svg g[data-corridor]"), 'd.find_elements(By.CSS_SELECTOR, "#card-transit svg g[data-corridor]")')
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#card-pipeline svg"), 'd.find_elements(By.CSS_SELECTOR, "#card-pipeline svg")')
        bars = d.find_elements(By.CSS_SELECTOR, "#card-bottlenecks svg g.bar[data-link] rect")
        assert bars, "no bottleneck bars"
        bars[0].click()  # linked views: the bar's link lights up on the map
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#map svg .links path.hl"), 'd.find_elements(By.CSS_SELECTOR, "#map svg .links path.hl")')
        print("linked views:", d.find_element(By.ID, "selection").text)
        d.execute_script("document.getElementById('card-transit').scrollIntoView()")
        step("4-run-charts")
        print("run: charts drawn, status:", d.find_element(By.ID, "scenario-status").text)

        # A simulated year: every link's flow on the map.
        d.execute_script("window.scrollTo(0, 0)")
        sf = d.find_element(By.ID, "simulate-form")
        for name, value in [("days", "60"), ("replications", "2")]:
            el = sf.find_element(By.NAME, name)
            el.clear()
            el.send_keys(value)
        sf.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait.until(lambda d: "Simulation done" in d.find_element(By.ID, "scenario-status").text, "the simulation ends")
        flows = d.find_elements(By.CSS_SELECTOR, '#map svg .links path[stroke-width]:not([stroke-width="1"])')
        assert len(flows) > 20, f"{len(flows)} links with a flow"
        print(f"simulation: {len(flows)} links drawn by their flow")
        step("5a-simulation-map")

        # Two scenarios compared on the map.
        d.execute_script("window.scrollTo(0, 0)")
        cf = d.find_element(By.ID, "compare-form")
        Select(cf.find_element(By.NAME, "a")).select_by_value("baseline")
        Select(cf.find_element(By.NAME, "b")).select_by_value("northern-route-closed")
        for name, value in [("first", "2026"), ("last", "2026"), ("replications", "2")]:
            el = cf.find_element(By.NAME, name)
            el.clear()
            el.send_keys(value)
        cf.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#card-deltas svg g.bar"), 'd.find_elements(By.CSS_SELECTOR, "#card-deltas svg g.bar")')
        title = d.find_element(By.CSS_SELECTOR, "#map svg > title").get_attribute("textContent")
        assert "against" in title, title
        changed = d.find_elements(By.CSS_SELECTOR, '#map svg .links path[stroke="#b2182b"], #map svg .links path[stroke="#2166ac"]')
        assert changed, "no link differs on the comparison map"
        print(f"comparison map: {title}; {len(changed)} links differ")
        step("5b-compare-map")

        # The editor: a mistake is shown at its line.
        d.find_element(By.ID, "tab-editor").click()
        ta = d.find_element(By.ID, "editor-text")
        d.execute_script("arguments[0].value = 'name = \"mine\"\\nyears = [2025, 2030]\\nprojects = [\"no-such-project\"]\\n'; arguments[0].dispatchEvent(new Event('input'))", ta)
        d.find_element(By.ID, "editor-validate").click()
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#editor-problems li"), 'd.find_elements(By.CSS_SELECTOR, "#editor-problems li")')
        problem = d.find_element(By.CSS_SELECTOR, "#editor-problems li").text
        assert "line 3" in problem, problem
        assert d.find_elements(By.CSS_SELECTOR, "#editor-gutter .bad"), "the bad line is not marked"
        print("editor:", problem)
        step("6-editor-error")
        # The check's 422 is the answer the step asks for; any other error is a fault.
        errors = [e for e in d.get_log("browser") if e["level"] == "SEVERE" and "status of 422" not in e["message"]]
        assert not errors, f"console errors: {errors}"
        print(f"PASSED: the dashboard in headless Chromium; screenshots in {out}/")
    except Exception:
        step("failure")
        raise
    finally:
        d.quit()

if __name__ == "__main__":
    main()
