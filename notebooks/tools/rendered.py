#!/usr/bin/env python3
"""The rendered HTML copies of the notebooks (docs/notebooks/*.html) and the notebooks they show.

  rendered.py stamp NOTEBOOK HTML_IN PROFILE HTML_OUT
      writes HTML_OUT: HTML_IN with, in its <head>, the notebook's repository path, the SHA-256 of
      its bytes and the profile it was executed under (<meta name="emomc-notebook" ...>), and the
      pinned vega / vega-lite / vega-embed scripts its Vega-Lite charts need
  rendered.py check [HTML ...]
      fails (exit 1) when a rendered copy does not carry a stamp, names a notebook that is gone,
      or was rendered from other bytes than the notebook's current ones (the notebook changed
      since: render it again). Default: every docs/notebooks/*.html.

Why a hash and not mtimes: a fresh clone gives every file the checkout time, so "older" can only
mean "rendered from a different notebook", which the embedded SHA-256 decides.
"""
import glob, hashlib, html, os, re, sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# The versions the charts were checked with (vega-lite 5 specs, the MIME type JupyterLab renders).
SCRIPTS = ["https://cdn.jsdelivr.net/npm/vega@5.33.1/build/vega.min.js",
           "https://cdn.jsdelivr.net/npm/vega-lite@5.23.0/build/vega-lite.min.js",
           "https://cdn.jsdelivr.net/npm/vega-embed@6.29.0/build/vega-embed.min.js"]
META = re.compile(r'<meta name="emomc-notebook" content="([^"]*)" data-sha256="([0-9a-f]{64})" data-profile="([^"]*)">')


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def stamp(notebook, html_in, profile, html_out):
    rel = os.path.relpath(os.path.abspath(notebook), ROOT)
    text = open(html_in, encoding="utf-8").read()
    head = '<meta name="emomc-notebook" content="%s" data-sha256="%s" data-profile="%s">\n' % (
        html.escape(rel), sha256(notebook), html.escape(profile))
    if "emomc-vega" in text:
        head += "".join('<script src="%s"></script>\n' % s for s in SCRIPTS)
    if "</head>" not in text:
        sys.exit("rendered.py: no </head> in %s" % html_in)
    text = text.replace("</head>", head + "</head>", 1)
    os.makedirs(os.path.dirname(os.path.abspath(html_out)), exist_ok=True)
    tmp = html_out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, html_out)


def check(files):
    files = files or sorted(glob.glob(os.path.join(ROOT, "docs", "notebooks", "*.html")))
    bad = []
    for f in files:
        name = os.path.relpath(f, ROOT)
        with open(f, encoding="utf-8") as fh:
            m = META.search(fh.read())
        if not m:
            bad.append("%s: no emomc-notebook stamp (render it with ./emomc notebook render)" % name)
            continue
        nb = os.path.join(ROOT, html.unescape(m.group(1)))
        if not os.path.exists(nb):
            bad.append("%s: rendered from %s, which no longer exists (delete the copy or render again)" % (name, m.group(1)))
        elif sha256(nb) != m.group(2):
            bad.append("%s: older than %s (rendered from other bytes; run ./emomc notebook render --profile %s %s)"
                       % (name, m.group(1), m.group(3), m.group(1)))
    for b in bad:
        print("check-rendered:", b, file=sys.stderr)
    if bad:
        sys.exit(1)
    print("check-rendered: %d rendered cop%s, each matching its notebook" % (len(files), "y" if len(files) == 1 else "ies"))


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "stamp" and len(sys.argv) == 6:
        stamp(*sys.argv[2:])
    elif len(sys.argv) >= 2 and sys.argv[1] == "check":
        check(sys.argv[2:])
    else:
        sys.exit(__doc__)
