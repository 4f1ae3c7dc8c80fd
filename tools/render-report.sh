#!/usr/bin/env bash
# Renders an aidflow HTML report in headless Chromium, as a person would see it, and checks it.
#
#   tools/render-report.sh REPORT.html OUT.png [--charts N] [--height PX]
#
# Checks, failing (exit 1) on the first that does not hold:
#   - the HTML loads nothing: no script, no src= or href= attribute, no url(...) or @import,
#     no <link>, <img>, <iframe>, <object> or <embed>;
#   - Chromium, while rendering it, made no request on behalf of the page (its net log holds no
#     request whose initiator is the page; the browser's own background requests are ignored);
#   - the rendered DOM has N <svg> charts (with --charts), each with a <title>;
#   - the screenshot is a PNG of the window's size (1240 px wide: A4 at 150 dpi) and not blank.
# Exit 77 (meson's "skipped") when Chromium is not installed. CHROMIUM overrides its path.
set -euo pipefail

chromium=${CHROMIUM:-/usr/bin/chromium}
html=${1:-}
png=${2:-}
[ -n "$html" ] && [ -n "$png" ] || { echo "usage: $0 REPORT.html OUT.png [--charts N] [--height PX]" >&2; exit 2; }
shift 2
charts=""
height=1754
while [ $# -gt 0 ]; do
  case "$1" in
    --charts) charts=$2; shift 2 ;;
    --height) height=$2; shift 2 ;;
    *) echo "render-report: unknown option $1" >&2; exit 2 ;;
  esac
done
if [ ! -x "$chromium" ]; then
  echo "render-report: $chromium not found (Debian package 'chromium'); skipping" >&2
  exit 77
fi
[ -f "$html" ] || { echo "render-report: no such file: $html" >&2; exit 1; }
command -v python3 >/dev/null || { echo "render-report: python3 is needed to read Chromium's net log" >&2; exit 77; }

fail() { echo "render-report: FAIL: $*" >&2; exit 1; }

# 1. Nothing in the markup can fetch anything.
if grep -Eiq '<script|<link|<img|<iframe|<object|<embed|<audio|<video|<source|[[:space:]](src|href|xlink:href|srcset|poster|action|formaction)[[:space:]]*=|url[[:space:]]*\(|@import' "$html"; then
  grep -Eion '<script|<link|<img|<iframe|<object|<embed|<audio|<video|<source|[[:space:]](src|href|xlink:href|srcset|poster|action|formaction)[[:space:]]*=|url[[:space:]]*\(|@import' "$html" | head -5 >&2
  fail "$html references something outside itself"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
abs=$(cd "$(dirname "$html")" && pwd)/$(basename "$html")
flags=(--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update
       --disable-sync --no-first-run --no-default-browser-check --hide-scrollbars
       --user-data-dir="$work/profile")

# 2. Render to PNG, logging every network request Chromium makes.
timeout 90 "$chromium" "${flags[@]}" --log-net-log="$work/net.json" --screenshot="$png" \
  --window-size=1240,"$height" "file://$abs" >"$work/shot.log" 2>&1 || {
  tail -5 "$work/shot.log" >&2
  fail "chromium could not render $html"
}

# 3. The DOM as Chromium built it.
timeout 90 "$chromium" "${flags[@]}" --dump-dom "file://$abs" >"$work/dom.html" 2>"$work/dom.log" || fail "chromium --dump-dom failed"

python3 - "$work/net.json" "$work/dom.html" "$png" "$height" "$charts" <<'PY' || exit 1
import json, re, struct, sys, zlib
net, dom_path, png, height, charts = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
def fail(msg):
    print("render-report: FAIL: " + msg, file=sys.stderr)
    sys.exit(1)

# Requests made for the page carry its origin ("null" for file://) as initiator; the
# browser's own background requests say "not an origin".
with open(net) as f:
    text = f.read()
try:
    log = json.loads(text)
except ValueError:
    log = json.loads(text.rstrip().rstrip(",") + "]}")  # a log cut short at exit
types = {v: k for k, v in log["constants"]["logEventTypes"].items()}
page = []
for e in log.get("events", []):
    if types.get(e.get("type")) != "URL_REQUEST_START_JOB":
        continue
    p = e.get("params") or {}
    if "url" in p and p.get("initiator") != "not an origin":
        page.append(p["url"])
if page:
    fail("the page made %d request(s): %s" % (len(page), ", ".join(page[:5])))

dom = open(dom_path, encoding="utf-8", errors="replace").read()
if "<script" in dom.lower():
    fail("the rendered DOM holds a <script> element")
svgs = re.findall(r"<svg\b[^>]*>\s*<title\b[^>]*>([^<]*)</title>", dom)
n_svg = len(re.findall(r"<svg\b", dom))
if n_svg != len(svgs):
    fail("%d <svg> elements but %d with a <title>" % (n_svg, len(svgs)))
if charts and n_svg != int(charts):
    fail("expected %s charts, the rendered page has %d" % (charts, n_svg))

with open(png, "rb") as f:
    data = f.read()
if data[:8] != b"\x89PNG\r\n\x1a\n":
    fail(png + " is not a PNG")
w, h = struct.unpack(">II", data[16:24])
if (w, h) != (1240, height):
    fail("%s is %dx%d, expected 1240x%d" % (png, w, h, height))
# Not blank: the compressed image of a page with charts and text is far from empty, and its
# pixels are not all one colour.
if len(data) < 20000:
    fail("%s is only %d bytes: nothing was drawn?" % (png, len(data)))
chunks, i = [], 8
while i + 8 <= len(data):
    n, kind = struct.unpack(">I4s", data[i:i + 8])
    if kind == b"IDAT":
        chunks.append(data[i + 8:i + 8 + n])
    i += 12 + n
raw = zlib.decompress(b"".join(chunks))
if len(set(raw)) < 16:
    fail(png + " looks blank")
print("render-report: %s: %d charts, %dx%d, %d bytes; no request made by the page"
      % (png, n_svg, w, h, len(data)))
PY
