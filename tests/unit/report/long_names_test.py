#!/usr/bin/python3
"""Long names do not make the report's tables overlap.

    long_names_test.py AIDFLOW RENDER_SCRIPT SCENARIO

The scenario is run with one station and one region renamed to 64-character names (the
longest a person is likely to type; nothing in the scenario format limits them). Checks:
  - the page's style lets table cells wrap a name anywhere (overflow-wrap:anywhere; a name
    with no spaces has no other place to break) and keeps tables within their column
    (max-width:100%), and the long names are in the tables, whole;
  - SVG labels, which cannot wrap, are cut with an ellipsis and keep the whole name in a
    <title> (the network diagram's nodes);
  - in headless Chromium (when installed), no table is wider than the block it is in and the
    side-by-side blocks do not overlap: measured on the laid-out page by a probe script added
    to a copy of the report (the report itself holds no script). The report is also rendered to
    long_names.png beside the test's folder by tools/render-report.sh, to be looked at.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

AIDFLOW, RENDER, SCENARIO = sys.argv[1:4]
STATION = "nitzana_inspection_site_with_a_name_long_enough_to_fill_a_column"
REGION = "north_gaza_governorate_and_gaza_city_and_the_areas_west_of_there"
assert len(STATION) == 64 and len(REGION) == 64

work = tempfile.mkdtemp(prefix="aidflow-long-names-")
try:
    text = open(SCENARIO).read()
    text = re.sub(r"\bnitzana\b", STATION, text)
    text = re.sub(r"(name: |to: |serves: )north\b", r"\g<1>" + REGION, text)
    assert text.count(STATION) >= 4 and text.count(REGION) >= 3, "the renames did not take"
    scn = os.path.join(work, "long.yaml")
    open(scn, "w").write(text)
    out = os.path.join(work, "out")
    subprocess.run([AIDFLOW, "run", scn, "--replications", "2", "--out", out, "--quiet"], check=True)
    html_path = os.path.join(work, "report.html")
    subprocess.run([AIDFLOW, "report", out, "-o", html_path], check=True)
    html = open(html_path, encoding="utf-8").read()

    style = html[html.index("<style>"):html.index("</style>")]
    assert re.search(r"th,td\{[^}]*overflow-wrap:anywhere", style), "table cells cannot wrap a long name"
    assert "table{max-width:100%}" in style, "tables may grow past their column"
    cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", html, re.S)
    assert any(STATION in c for c in cells), "the long station name is not in a table, whole"
    assert any(REGION in c for c in cells), "the long region name is not in a table, whole"
    # The network diagram: the label cut with an ellipsis, the whole name in the node's title.
    net = html[html.index('<section id="network">'):]
    net = net[:net.index("</section>")]
    assert "<title>" + STATION + " (inspection)</title>" in net, "the node's title lacks its name"
    labels = re.findall(r'<text class="nn"[^>]*>([^<]*)</text>', net)
    assert STATION[:24] + "\u2026" in labels, labels
    assert not any(len(l) > 25 for l in labels), labels

    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not os.access(chromium, os.X_OK):
        print("long names: HTML checks passed; chromium not installed, layout not measured")
        sys.exit(0)
    probe = html.replace("</body>", """<script>
addEventListener('load', function () {
  var bad = [];
  document.querySelectorAll('table').forEach(function (t, i) {
    var r = t.getBoundingClientRect(), p = t.parentElement.getBoundingClientRect();
    if (r.right > p.right + 0.5 || r.left < p.left - 0.5)
      bad.push('table ' + i + ' (' + t.className + ') ' + Math.round(r.width) + 'px in ' + Math.round(p.width) + 'px');
  });
  document.querySelectorAll('.grid').forEach(function (g) {
    var k = Array.prototype.slice.call(g.children).map(function (c) { return c.getBoundingClientRect(); });
    for (var a = 0; a < k.length; a++)
      for (var b = a + 1; b < k.length; b++)
        if (k[a].left < k[b].right - 0.5 && k[b].left < k[a].right - 0.5 &&
            k[a].top < k[b].bottom - 0.5 && k[b].top < k[a].bottom - 0.5)
          bad.push('blocks ' + a + ' and ' + b + ' of a grid overlap');
  });
  document.body.setAttribute('data-tables', String(document.querySelectorAll('table').length));
  document.body.setAttribute('data-overflow', bad.join('; ') || 'none');
});
</script></body>""")
    probe_path = os.path.join(work, "probe.html")
    open(probe_path, "w", encoding="utf-8").write(probe)
    dom = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                          "--user-data-dir=" + os.path.join(work, "profile"), "--window-size=1240,1754",
                          "--virtual-time-budget=3000", "--dump-dom", "file://" + probe_path],
                         capture_output=True, text=True, timeout=120).stdout
    m = re.search(r'data-overflow="([^"]*)"', dom)
    n = re.search(r'data-tables="(\d+)"', dom)
    assert m and n, "the probe did not run"
    assert int(n.group(1)) >= 3, "fewer tables than expected: " + n.group(1)
    assert m.group(1) == "none", m.group(1)
    png = os.path.join(os.getcwd(), "long_names.png")
    subprocess.run([RENDER, html_path, png], check=True)
    print(f"long names: {n.group(1)} tables measured, none overflows; rendered to {png}")
finally:
    shutil.rmtree(work, ignore_errors=True)
