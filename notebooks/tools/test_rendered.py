"""Tests of rendered.py (run by .ci/run: python3 -m unittest discover -s notebooks/tools -p 'test_*.py')."""
import contextlib, io, os, sys, tempfile, unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rendered  # noqa: E402

DEBIAN_HEAD = ('<html><head><style>body { color: red }</style>'
               '<script src="file:///usr/share/javascript/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"></script>'
               '<script src="file:///usr/share/javascript/requirejs/require.min.js"></script></head>'
               '<body>$x^2$</body></html>')


class RenderedTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.nb = os.path.join(self.dir, "01-x.ipynb")
        with open(self.nb, "w") as f:
            f.write('{"cells": []}')
        self.raw = os.path.join(self.dir, "raw.html")
        with open(self.raw, "w") as f:
            f.write(DEBIAN_HEAD)
        self.out = os.path.join(self.dir, "out", "01-x.html")

    def check(self, *files):
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            try:
                rendered.check(list(files))
                return ""
            except SystemExit:
                return err.getvalue()

    def test_a_stamped_copy_loads_no_file_of_the_rendering_machine_and_passes(self):
        rendered.stamp(self.nb, self.raw, "quick", self.out)
        text = open(self.out).read()
        self.assertNotIn("file:", text)
        self.assertIn('src="https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/MathJax.js?config=TeX-AMS_CHTML-full,Safe"', text)
        self.assertIn('src="https://cdnjs.cloudflare.com/ajax/libs/require.js/2.1.10/require.min.js"', text)
        self.assertEqual("", self.check(self.out))

    def test_check_names_a_local_script_and_a_changed_notebook(self):
        rendered.stamp(self.nb, self.raw, "full", self.out)
        text = open(self.out).read().replace("</head>", '<script src="file:///opt/x.js"></script></head>')
        with open(self.out, "w") as f:
            f.write(text)
        with open(self.nb, "a") as f:
            f.write(" ")
        msg = self.check(self.out)
        self.assertIn("loads file:///opt/x.js", msg)
        self.assertIn("older than", msg)
        self.assertIn("--profile full", msg)


if __name__ == "__main__":
    unittest.main()
