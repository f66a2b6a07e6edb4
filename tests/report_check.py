#!/usr/bin/python3
"""report_check.py: does report.html look right? Renders it in headless Chromium (Debian's
`chromium`) and checks what a reader would see.

    /usr/bin/python3 tests/report_check.py REPORT.html SCREENSHOT.png

Prints one line per check, `PASS name`, `FAIL name: why` or `SKIP why` (when Chromium or
PIL is missing), for tests/cli_report.sh to number as TAP. Exit status 0 unless a check
failed.

Two renders at the same window width (1280 CSS px, device scale 1):
  1. layout: a copy of the report with a script appended that measures the page and
     every chart and writes the numbers into the DOM; `--dump-dom` returns them. The
     script element takes no space, so the layout is the report's own.
  2. the report itself, as a screenshot as tall as the page, with console logging on.
Then: no console errors, no horizontal overflow (page or table), every chart's plot
area has coloured ink where the data go, and the right margin outside the page is
blank. The report itself has no script at all, and fetches nothing.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

WIDTH = 1280
results = []


def check(name, ok, why=""):
    results.append((name, ok, why))
    print(("PASS %s" % name) if ok else ("FAIL %s: %s" % (name, why)))


def chromium_binary():
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


def run_chromium(binary, args, profile, timeout=90):
    # --no-sandbox: Chromium's sandbox refuses to start as root (CI containers run as
    # root), and the page is our own local file with no script.
    cmd = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
           "--force-device-scale-factor=1", "--no-first-run", "--disable-extensions",
           "--user-data-dir=" + profile] + args
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


MEASURE = """
<script>
(function () {
  var de = document.documentElement, out = {};
  out.scrollWidth = de.scrollWidth; out.clientWidth = de.clientWidth;
  out.scrollHeight = de.scrollHeight;
  out.charts = [].map.call(document.querySelectorAll('figure.chart'), function (f) {
    var svg = f.querySelector('svg'), r = svg ? svg.getBoundingClientRect() : f.getBoundingClientRect();
    return {id: f.id, x: r.left + window.scrollX, y: r.top + window.scrollY, w: r.width, h: r.height,
            vb: svg && svg.viewBox && svg.viewBox.baseVal ? [svg.viewBox.baseVal.width, svg.viewBox.baseVal.height] : null};
  });
  out.wraps = [].map.call(document.querySelectorAll('.wrap'), function (w) {
    return {scroll: w.scrollWidth, client: w.clientWidth};
  });
  out.wide = [].filter.call(document.querySelectorAll('body *'), function (e) {
    var r = e.getBoundingClientRect(); return r.right > de.clientWidth + 0.5;
  }).map(function (e) { return e.tagName + (e.id ? '#' + e.id : ''); }).slice(0, 5);
  de.setAttribute('data-layout', JSON.stringify(out));
})();
</script>
"""

# The plot area of hc_chart.h's canvas (src/outputs/chart_svg.c PX0..PX1, PY0..PY1 of 640 x 430).
PLOT = (72.0, 72.0, 620.0, 312.0)


def saturated(px):
    r, g, b = px[:3]
    return max(r, g, b) - min(r, g, b) > 40


def main():
    if len(sys.argv) != 3:
        print("usage: report_check.py REPORT.html SCREENSHOT.png", file=sys.stderr)
        return 2
    report, shot = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    html = open(report, encoding="utf-8").read()

    # Static: nothing to run, nothing to fetch.
    check("report has no script", re.search(r"<script|javascript:|\son\w+\s*=", html, re.I) is None,
          "found a script or an event handler")
    fetched = [m for m in re.findall(r"""(?:src|href)\s*=\s*["']?([^"' >]+)|url\(([^)]*)\)|@import""", html, re.I)]
    external = re.findall(r"(?:https?:)?//[^\s\"'<>)]+", html)
    external = [u for u in external if u != "http://www.w3.org/2000/svg"]
    check("report fetches nothing from the network", not external and "<link" not in html.lower()
          and "<img" not in html.lower() and "@import" not in html.lower(), "references: %s" % external[:3])
    local = [a or b for a, b in fetched if (a or b)]
    check("report links only to files next to it", all(not re.match(r"^[a-z]+:", u, re.I) and not u.startswith("/")
                                                      for u in local), "links: %s" % local[:5])

    binary = chromium_binary()
    try:
        from PIL import Image
    except ImportError:
        Image = None
    if not binary or Image is None:
        print("SKIP %s not installed (scripts/setup.sh installs chromium and python3-pil)"
              % ("chromium" if not binary else "python3-pil"))
        return 0

    tmp = tempfile.mkdtemp(prefix="hc_report_check_")
    try:
        # 1. layout
        measured = os.path.join(os.path.dirname(report), ".report_measure_%d.html" % os.getpid())
        with open(measured, "w", encoding="utf-8") as f:
            f.write(html.replace("</body>", MEASURE + "</body>"))
        try:
            r = run_chromium(binary, ["--window-size=%d,900" % WIDTH, "--dump-dom", "file://" + measured],
                             os.path.join(tmp, "p1"))
        finally:
            os.remove(measured)
        m = re.search(r'data-layout="([^"]*)"', r.stdout)
        if not m:
            check("Chromium lays the report out", False, "no layout came back (exit %d): %s"
                  % (r.returncode, r.stderr.strip()[-300:]))
            return 1
        layout = json.loads(m.group(1).replace("&quot;", '"').replace("&amp;", "&"))
        check("page is no wider than the window (%d px)" % WIDTH,
              layout["scrollWidth"] <= layout["clientWidth"] and not layout["wide"],
              "scrollWidth %s > %s; wide elements: %s" % (layout["scrollWidth"], layout["clientWidth"], layout["wide"]))
        bad = [w for w in layout["wraps"] if w["scroll"] > w["client"] + 1]
        check("every table fits its column without scrolling", not bad, "%d table(s) overflow: %s" % (len(bad), bad[:3]))
        charts = layout["charts"]
        check("report shows the charts (%d)" % len(charts), len(charts) >= 5, "only %d figure.chart" % len(charts))

        # 2. screenshot, as tall as the page
        height = min(int(layout["scrollHeight"]) + 20, 16000)
        r = run_chromium(binary, ["--window-size=%d,%d" % (WIDTH, height), "--enable-logging=stderr", "--v=0",
                                  "--screenshot=" + shot, "file://" + report], os.path.join(tmp, "p2"))
        check("Chromium takes a screenshot", r.returncode == 0 and os.path.exists(shot),
              "exit %d: %s" % (r.returncode, r.stderr.strip()[-300:]))
        if not os.path.exists(shot):
            return 1
        console = [l for l in r.stderr.splitlines() if "CONSOLE" in l or "Uncaught" in l]
        check("no console messages or script errors", not console, "; ".join(console[:3]))

        img = Image.open(shot).convert("RGB")
        W, H = img.size
        pix = img.load()
        # The right margin, outside the page's max-width, must be the plain background all
        # the way down: anything there has overflowed.
        bg = pix[W - 2, 2]
        stray = 0
        for y in range(0, H, 2):
            for x in range(W - 40, W):
                if sum(abs(a - b) for a, b in zip(pix[x, y], bg)) > 12:
                    stray += 1
        check("right margin stays blank", stray == 0, "%d non-background pixels in the right 40 px" % stray)

        # Every chart: coloured ink inside its plot area (data drawn, not just axes),
        # and text/axes in grey around it.
        empty = []
        for c in charts:
            if not c["vb"] or c["w"] < 50:
                empty.append("%s (no svg)" % c["id"])
                continue
            sx, sy = c["w"] / c["vb"][0], c["h"] / c["vb"][1]
            x0, y0 = int(c["x"] + PLOT[0] * sx) + 2, int(c["y"] + PLOT[1] * sy) + 2
            x1, y1 = int(c["x"] + PLOT[2] * sx) - 2, int(c["y"] + PLOT[3] * sy) - 2
            if x1 > W or y1 > H:
                empty.append("%s (outside the screenshot)" % c["id"])
                continue
            total = coloured = dark = 0
            for y in range(y0, y1, 2):
                for x in range(x0, x1, 2):
                    p = pix[x, y]
                    total += 1
                    coloured += saturated(p)
            for y in range(int(c["y"]), int(c["y"] + c["h"]), 3):
                for x in range(int(c["x"]), int(c["x"] + c["w"]), 3):
                    dark += sum(pix[x, y]) < 300
            # line charts (exceedance curves, Sobol indices by year) ink less of their plot than fans
            least = 0.01 if c["id"].startswith(("chart-exceedance", "chart-sobol_years")) else 0.03
            if total == 0 or coloured / total < least or dark < 50:
                empty.append("%s (coloured %.1f %% of the plot, %d dark pixels)"
                             % (c["id"], 100.0 * coloured / max(total, 1), dark))
        check("every chart has data drawn in its plot area", not empty, "; ".join(empty))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0 if all(ok for _, ok, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
