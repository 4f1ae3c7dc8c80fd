"""Checks an aidflow report against the summary.json it was made from.

    check_report.py SUMMARY.json REPORT.html

The page is parsed (html.parser): the network diagram (<svg id="network-...">) must name every
node of summary.json's network in a <text>, the need-met table (<table class="needmet">) must
have a row for every region and a column for every category, and the answer section must come
before the network and the charts. Exit 1 with a message on the first failure."""
import json
import sys
from html.parser import HTMLParser


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack = []
        self.network_texts = set()
        self.in_network = 0
        self.in_needmet = False
        self.cell = None
        self.rows, self.cols = [], []
        self.order = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section" and "id" in a:
            self.order.append(a["id"])
        if tag == "svg":
            if a.get("id", "").startswith("network-"):
                self.in_network += 1
            elif self.in_network:
                self.in_network += 1
        if tag == "table" and a.get("class") == "needmet":
            self.in_needmet = True
        if self.in_needmet and tag == "th":
            self.cell = ("row" if a.get("scope") == "row" else "col", [])
        if tag == "text" and self.in_network:
            self.cell = ("text", [])

    def handle_endtag(self, tag):
        if tag == "svg" and self.in_network:
            self.in_network -= 1
        if tag == "table":
            self.in_needmet = False
        if self.cell and ((tag == "th" and self.cell[0] in ("row", "col")) or (tag == "text" and self.cell[0] == "text")):
            kind, parts = self.cell
            text = "".join(parts).strip()
            {"row": self.rows, "col": self.cols}.get(kind, []).append(text)
            if kind == "text":
                self.network_texts.add(text)
            self.cell = None

    def handle_data(self, data):
        if self.cell:
            self.cell[1].append(data)


def main():
    summary = json.load(open(sys.argv[1]))
    page = Page()
    page.feed(open(sys.argv[2], encoding="utf-8").read())
    name = summary["scenario"]["name"]
    nodes = [n["name"] for n in summary["network"]["nodes"]]
    if not nodes:
        sys.exit(f"{name}: summary.json's network has no nodes")
    missing = [n for n in nodes if n not in page.network_texts]
    if missing:
        sys.exit(f"{name}: the network diagram does not name {', '.join(missing)}")
    regions = [r["name"] for r in summary["regions"]]
    categories = [c["name"] for c in summary["categories"]]
    for r in regions:
        if r not in page.rows:
            sys.exit(f"{name}: the need-met table has no row for region {r}")
    for c in categories:
        if c not in page.cols:
            sys.exit(f"{name}: the need-met table has no column for category {c}")
    if not page.order or page.order[0] != "answer" or "network" not in page.order:
        sys.exit(f"{name}: the answer must come first, then the network (sections: {page.order})")
    print(f"{name}: {len(nodes)} nodes named, {len(regions)} regions x {len(categories)} categories")


main()
