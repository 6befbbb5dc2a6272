#!/usr/bin/env python3
"""The rendered HTML copies of the notebooks (docs/notebooks/*.html) and the notebooks they show.

  rendered.py stamp NOTEBOOK HTML_IN PROFILE HTML_OUT
      writes HTML_OUT: HTML_IN with, in its <head>, the notebook's repository path, the SHA-256 of
      its bytes and the profile it was executed under (<meta name="emomc-notebook" ...>), and the
      pinned vega / vega-lite / vega-embed scripts its Vega-Lite charts need; the template's <style>
      blocks (some 500 KB, the same in every copy) go to one shared nbconvert-<sha>.css beside it
  rendered.py check [HTML ...]
      fails (exit 1) when a rendered copy does not carry a stamp, names a notebook that is gone,
      or was rendered from other bytes than the notebook's current ones (the notebook changed
      since: render it again), links a shared stylesheet that is missing, or loads a file:///
      script (a path of the rendering machine; stamp replaces Debian nbconvert's with upstream's
      URLs). Default: every docs/notebooks/*.html and docs/notebooks/<profile>/*.html (copies
      executed under another profile, e.g. full).

Why a hash and not mtimes: a fresh clone gives every file the checkout time, so "older" can only
mean "rendered from a different notebook", which the embedded SHA-256 decides.
"""
import glob, hashlib, html, os, re, sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# The versions the charts were checked with (vega-lite 5 specs, the MIME type JupyterLab renders).
SCRIPTS = ["https://cdn.jsdelivr.net/npm/vega@5.33.1/build/vega.min.js",
           "https://cdn.jsdelivr.net/npm/vega-lite@5.23.0/build/vega-lite.min.js",
           "https://cdn.jsdelivr.net/npm/vega-embed@6.29.0/build/vega-embed.min.js"]
# Debian's nbconvert points MathJax and require.js at its own packages (file:///usr/share/javascript/...), which
# no other machine has: a copy opened elsewhere showed raw TeX. Upstream nbconvert's own defaults instead.
PORTABLE = {"file:///usr/share/javascript/mathjax/MathJax.js":
                "https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/MathJax.js",
            "file:///usr/share/javascript/requirejs/require.min.js":
                "https://cdnjs.cloudflare.com/ajax/libs/require.js/2.1.10/require.min.js"}
LOCAL = re.compile(r'(?:src|href)="(file:[^"?]*)')
STYLE = re.compile(r"<style[^>]*>.*?</style>\s*", re.S)
LINK = re.compile(r'<link rel="stylesheet" href="(nbconvert-[0-9a-f]{12}\.css)">')
META = re.compile(r'<meta name="emomc-notebook" content="([^"]*)" data-sha256="([0-9a-f]{64})" data-profile="([^"]*)">')


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def share_styles(text, out_dir):
    """The <head>'s <style> blocks moved to out_dir/nbconvert-<sha>.css (named by content, so
    copies rendered with one template share one file) and linked instead."""
    head_end = text.index("</head>")
    styles = STYLE.findall(text[:head_end])
    if not styles:
        return text
    css = "".join(re.sub(r"^<style[^>]*>|</style>\s*$", "", st.strip()) + "\n" for st in styles)
    name = "nbconvert-%s.css" % hashlib.sha256(css.encode("utf-8")).hexdigest()[:12]
    path = os.path.join(out_dir, name)
    if not os.path.exists(path):
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            f.write(css)
        os.replace(path + ".tmp", path)
    head = STYLE.sub("", text[:head_end])
    return head + '<link rel="stylesheet" href="%s">\n' % name + text[head_end:]


def portable(text):
    """The copy with the local script paths of Debian's nbconvert replaced by upstream's URLs."""
    for local, url in PORTABLE.items():
        text = text.replace('src="%s' % local, 'src="%s' % url)
    return text


def stamp(notebook, html_in, profile, html_out):
    rel = os.path.relpath(os.path.abspath(notebook), ROOT)
    text = portable(open(html_in, encoding="utf-8").read())
    head = '<meta name="emomc-notebook" content="%s" data-sha256="%s" data-profile="%s">\n' % (
        html.escape(rel), sha256(notebook), html.escape(profile))
    if "emomc-vega" in text:
        head += "".join('<script src="%s"></script>\n' % s for s in SCRIPTS)
    if "</head>" not in text:
        sys.exit("rendered.py: no </head> in %s" % html_in)
    text = text.replace("</head>", head + "</head>", 1)
    os.makedirs(os.path.dirname(os.path.abspath(html_out)), exist_ok=True)
    text = share_styles(text, os.path.dirname(os.path.abspath(html_out)))
    tmp = html_out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, html_out)


def check(files):
    files = files or sorted(glob.glob(os.path.join(ROOT, "docs", "notebooks", "*.html"))
                            + glob.glob(os.path.join(ROOT, "docs", "notebooks", "*", "*.html")))
    bad = []
    for f in files:
        name = os.path.relpath(f, ROOT)
        with open(f, encoding="utf-8") as fh:
            text = fh.read()
        m = META.search(text)
        for css in LINK.findall(text):
            if not os.path.exists(os.path.join(os.path.dirname(f), css)):
                bad.append("%s: its stylesheet %s is missing (render it again)" % (name, css))
        for local in LOCAL.findall(text):
            bad.append("%s: loads %s, a file of this machine only (render it again)" % (name, local))
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
