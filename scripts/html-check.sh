#!/usr/bin/env bash
# Renders the HTML report of the fixtures in headless Chromium and checks that it looks right:
#   1. the page loads with no console message at all (no script error, no blocked request: the
#      page's Content-Security-Policy forbids every fetch, so a network access would be logged);
#   2. its script ran (the "findings shown" counter is filled in by it);
#   3. the counts it shows (data- attributes and the visible cards) equal the JSON report's;
#   4. a screenshot is taken (OUT/screenshot.png).
# The console check is first proved on a page with a deliberate script error.
#
#   scripts/html-check.sh [OUT]     (default OUT: target/html-check; needs chromium, python3)
# Run by .ci/run. RUNEGUARD selects the binary (default target/debug/runeguard).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-target/html-check}
BIN=${RUNEGUARD:-target/debug/runeguard}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

CHROME=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$CHROME" ]; then
  echo "html-check: chromium is not installed (apt-get install chromium)" >&2
  exit 1
fi

chrome() {
  local profile
  profile=$(mktemp -d)
  "$CHROME" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --enable-logging=stderr --v=0 --virtual-time-budget=10000 "$@"
  rm -rf "$profile"
}

# Console messages, as Chromium logs them with --enable-logging=stderr: ":CONSOLE(" or ":CONSOLE:".
console_lines() { grep -E ':CONSOLE[(:]' "$1" || true; }

# 0. The console check catches a script error.
printf '<!DOCTYPE html><html><body><script>notDefined();</script></body></html>\n' > "$OUT/selftest.html"
chrome --dump-dom "file://$OUT/selftest.html" > /dev/null 2> "$OUT/selftest.log"
if [ -z "$(console_lines "$OUT/selftest.log")" ]; then
  echo "html-check: the console check did not see a deliberate script error; cannot trust it" >&2
  exit 1
fi

# The reports.
set +e
"$BIN" check --quiet --profile nist-800-53-moderate \
  --format json="$OUT/fixtures.json" --format html="$OUT/fixtures.html" fixtures/
rc=$?
set -e
if [ "$rc" != 1 ]; then echo "html-check: runeguard check fixtures/ exited $rc (expected 1)" >&2; exit 1; fi

# 1-2. Load it, let the script run, dump the DOM.
chrome --dump-dom "file://$OUT/fixtures.html" > "$OUT/dom.html" 2> "$OUT/console.log"
errors=$(console_lines "$OUT/console.log")
if [ -n "$errors" ]; then
  echo "html-check: console messages while loading the report:" >&2
  echo "$errors" >&2
  exit 1
fi

# 3. Counts in the page = counts in the JSON report.
python3 - "$OUT/dom.html" "$OUT/fixtures.json" <<'EOF'
import html.parser, json, re, sys

class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.body = {}
        self.frameworks = {}
        self.baseline = {}
        self.severity = {}
        self.shown = None
        self._in_shown = False
        self._sev = None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "body":
            self.body = a
        if tag == "section" and "data-framework" in a:
            self.frameworks[a["data-framework"]] = a
        if tag == "section" and a.get("id") == "baseline":
            self.baseline = a
        if a.get("id") == "shown":
            self._in_shown = True
        if "data-severity-count" in a:
            self._sev = a["data-severity-count"]
        elif tag == "b" and self._sev:
            self._sev_b = True
    def handle_data(self, data):
        if self._in_shown:
            self.shown = data.strip()
            self._in_shown = False
        if self._sev and getattr(self, "_sev_b", False):
            self.severity[self._sev] = data.strip()
            self._sev = None
            self._sev_b = False

page = Page()
page.feed(open(sys.argv[1], encoding="utf-8").read())
report = json.load(open(sys.argv[2], encoding="utf-8"))
s = report["summary"]
problems = []
def same(what, shown, expected):
    if str(shown) != str(expected):
        problems.append(f"{what}: the page shows {shown!r}, the JSON report {expected!r}")
same("findings", page.body.get("data-findings"), s["findings"])
same("suppressed", page.body.get("data-suppressed"), s["suppressed"])
same("errors", page.body.get("data-errors"), s["errors"])
same("files", page.body.get("data-files"), s["files"])
same("documents", page.body.get("data-documents"), s["documents"])
same("rules", page.body.get("data-rules"), s["rules"])
same("findings shown after the script ran", page.shown, s["findings"])
for sev, n in s["by_severity"].items():
    same(f"{sev} findings", page.severity.get(sev), n)
fws = report["compliance"]["frameworks"]
same("frameworks", sorted(page.frameworks), sorted(f["framework"] for f in fws))
for f in fws:
    p = page.frameworks.get(f["framework"], {})
    for key in ("covered", "failing", "passing"):
        same(f"{f['framework']} {key}", p.get("data-" + key), f[key])
    same(f"{f['framework']} not covered", p.get("data-not-covered"), f["not_covered"] or 0)
b = report["compliance"].get("baseline")
if b:
    for key in ("controls", "checked", "failing", "passing", "not_checked"):
        same(f"baseline {key}", page.baseline.get("data-baseline-" + key.replace("_", "-")), b[key])
if problems:
    print("html-check: counts differ:\n  " + "\n  ".join(problems), file=sys.stderr)
    sys.exit(1)
print(f"html-check: counts equal the JSON report ({s['findings']} findings, "
      f"{len(fws)} frameworks{', baseline ' + b['profile'] if b else ''})")
EOF

# 4. Screenshot.
chrome --hide-scrollbars --window-size=1400,1900 --screenshot="$OUT/screenshot.png" \
  "file://$OUT/fixtures.html" > /dev/null 2> "$OUT/screenshot.log"
if [ ! -s "$OUT/screenshot.png" ]; then echo "html-check: no screenshot" >&2; exit 1; fi
echo "html-check: no console message; screenshot $OUT/screenshot.png"
