"""What the browser tests share: a `decree serve` on a free port, and headless Chromium driven
by Selenium (Debian's chromium, chromium-driver and python3-selenium). Every wait is for a DOM
condition, never for a length of time; the timeouts only bound how long a broken page may hang."""
import os
import shutil
import subprocess
import sys
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.support.ui import WebDriverWait

BOUND = 60  # seconds a condition may take before the test fails (a broken page, not a slow one)


def fail(message):
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def start_server(decree, cwd, *args, lines=False):
    """Starts `decree serve --port 0` and returns (process, base URL) once it prints where it
    listens (with lines=True, also the lines it printed until then)."""
    proc = subprocess.Popen([decree, "serve", "--port", "0", *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    printed = []
    for line in proc.stdout:
        printed.append(line)
        if "the playground is at " in line:
            url = line.split("the playground is at ", 1)[1].split()[0]
            return (proc, url, printed) if lines else (proc, url)
    err = proc.stderr.read()
    fail(f"decree serve did not start: {err}")


def stop_server(proc):
    proc.terminate()
    try:
        proc.wait(timeout=BOUND)
    except subprocess.TimeoutExpired:
        proc.kill()


class Browser:
    def __init__(self, width=1280, height=720):
        self.profile = tempfile.mkdtemp(prefix="decree-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for flag in ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                     f"--user-data-dir={self.profile}", f"--window-size={width},{height}"]:
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        # The viewport itself at width × height (the window's size includes no frame when headless,
        # but set it exactly): what a projector at 1280×720 shows.
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                    {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})

    def wait(self, condition, what):
        try:
            # An element read while the page redraws it is stale: the condition is asked again.
            wait = WebDriverWait(self.driver, BOUND,
                                 ignored_exceptions=(NoSuchElementException, StaleElementReferenceException))
            return wait.until(lambda d: condition(d))
        except Exception as e:  # TimeoutException, or the condition raising
            fail(f"{what} (waited for a DOM condition: {type(e).__name__})")

    def console_errors(self):
        return [e for e in self.driver.get_log("browser") if e.get("level") == "SEVERE"]

    def quit(self):
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)


def js(driver, script, *args):
    return driver.execute_script(script, *args)
