package org.emomc4j.notebook;

import java.io.PrintStream;
import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sends rich output (a MIME bundle: Vega-Lite charts, HTML tables) from a notebook cell to
 * JupyterLab through the Java kernel's display call, so the notebooks' interactive figures need no
 * JupyterLab extension: JupyterLab renders {@code application/vnd.vegalite.v5+json} and
 * {@code text/html} natively.
 *
 * <p>The library does not depend on a kernel: the rapaio kernel (the one {@code ./emomc notebook
 * setup} installs) is found by reflection ({@code DisplayData.fromText}, {@code putData} and
 * {@code MainApp.kernel.display}, public API of rapaio-jupyter-kernel 3.x). Outside a kernel (CLI,
 * tests, a JShell) the bundle's {@code text/plain} is printed instead, so a cell never fails for
 * want of a front end.
 */
public final class Display {

    /** The MIME type of a Vega-Lite 5 spec, rendered by JupyterLab 3.6+ and 4 without an extension. */
    public static final String VEGA_LITE = "application/vnd.vegalite.v5+json";
    /** HTML. */
    public static final String HTML = "text/html";
    /** The plain-text fallback every bundle carries. */
    public static final String TEXT = "text/plain";

    private static final String DATA = "org.rapaio.jupyter.kernel.display.DisplayData";
    private static final String APP = "org.rapaio.jupyter.kernel.MainApp";

    private Display() { }

    /**
     * Displays a MIME bundle (MIME type to content: a String, or JSON-like Maps, Lists, Strings,
     * Numbers and Booleans) below the running cell.
     *
     * @return true when a kernel took it, false when its {@code text/plain} was printed instead
     */
    public static boolean bundle(Map<String, Object> bundle) {
        return bundle(bundle, System.out);
    }

    static boolean bundle(Map<String, Object> bundle, PrintStream fallback) {
        Object text = bundle.get(TEXT);
        if (!(text instanceof String)) throw new IllegalArgumentException("a MIME bundle needs a text/plain fallback, got " + bundle.keySet());
        Object kernel = kernel();
        if (kernel != null) {
            try {
                ClassLoader cl = kernel.getClass().getClassLoader();
                Class<?> dataClass = Class.forName(DATA, true, cl);
                Object data = dataClass.getMethod("fromText", String.class).invoke(null, text);
                Method put = dataClass.getMethod("putData", String.class, Object.class);
                for (Map.Entry<String, Object> e : bundle.entrySet())
                    if (!e.getKey().equals(TEXT)) put.invoke(data, e.getKey(), e.getValue());
                kernel.getClass().getMethod("display", dataClass).invoke(kernel, data);
                return true;
            } catch (ReflectiveOperationException | LinkageError e) {
                fallback.println("(display: the kernel refused rich output: " + e + "; plain text follows)");
            }
        }
        fallback.println(text);
        return false;
    }

    /** Displays HTML with its plain-text form as the fallback. */
    public static boolean html(String html, String plain) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put(TEXT, plain);
        b.put(HTML, html);
        return bundle(b);
    }

    /** The running rapaio kernel, or null outside one (no such class, or the kernel not started). */
    static Object kernel() {
        for (ClassLoader cl : new ClassLoader[]{Thread.currentThread().getContextClassLoader(), Display.class.getClassLoader(),
                ClassLoader.getSystemClassLoader()}) {
            if (cl == null) continue;
            try {
                Object k = Class.forName(APP, true, cl).getField("kernel").get(null);
                if (k != null) return k;
            } catch (ReflectiveOperationException | LinkageError notHere) {
                // try the next loader; none: not in a rapaio kernel
            }
        }
        return null;
    }
}
