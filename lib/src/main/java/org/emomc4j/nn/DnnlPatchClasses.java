package org.emomc4j.nn;

import org.bytedeco.dnnl.memory;
import org.bytedeco.javacpp.Pointer;

import java.util.ArrayList;
import java.util.List;

/**
 * A same-padded, stride-1 k x k convolution on a small NHWC map as matrix products that multiply
 * no padding. A patch matrix with zeros where a window leaves the map ({@link DnnlPatches}) spends
 * a third of a 4x4 map's products on them (144 tap-pixel pairs, 100 inside). Here the output
 * pixels fall into {@link Part}s by which taps stay inside the map (on a 4x4 map with k = 3: the 4
 * inner pixels keep all 9 taps, each edge's 2 pixels 6, each corner 4), and each part is its own
 * product: its patches [n pixels, taps c], all inside the map, times the rows of the HWIO weights
 * of its taps [taps c, oc] ({@link #weights}). The product goes to a part-sized buffer and is
 * copied into its pixels of the NHWC destination ({@link #scatter}).
 *
 * <p>Measured on the AMD EPYC (2 cores, AVX-512 BF16, bf16, batch 256; 2026-11-27): 512 -> 512
 * channels on 4x4, one zero-padded product 44-46 ms, the nine parts' products 33.5-36.6 ms (256 ->
 * 512: 22 -> 16 ms); a width-1 candidate (r 0.5, 6 bits) 355-366 -> 308-324 ms per batch, about
 * 12 % faster.
 */
final class DnnlPatchClasses {

    final List<Part> parts;
    private final int c, oc, k;
    /** The dense copy of one part's weight rows ({@link #weights}), as large as all k k taps'. */
    private memory dense;
    /** Per part: its patch matrix [n pixels, taps c] and its product's buffer [n pixels, oc]. */
    final memory[] patches, products;
    private final List<List<Dnnl.RegionCopy>> gather = new ArrayList<>();
    private final Dnnl.RegionCopy[] scatter, gatherOut;

    /**
     * Output pixels [y0, y0 + ys) x [x0, x0 + xs) whose windows keep exactly the taps
     * [ky0, ky1) x [kx0, kx1) inside the map; the patch columns run over those taps row by row.
     */
    record Part(int y0, int ys, int x0, int xs, int ky0, int ky1, int kx0, int kx1) {
        int pixels() { return ys * xs; }

        int taps() { return (ky1 - ky0) * (kx1 - kx0); }
    }

    /** The parts of an h x w map under a k x k kernel (same padding k/2), row-major by their first pixel. */
    static List<Part> parts(int h, int w, int k) {
        List<int[]> ys = ranges(h, k), xs = ranges(w, k);
        List<Part> parts = new ArrayList<>();
        for (int[] y : ys)
            for (int[] x : xs) parts.add(new Part(y[0], y[1], x[0], x[1], y[2], y[3], x[2], x[3]));
        return parts;
    }

    /**
     * Along one axis of length n: runs {start, length, tap from, tap to} of consecutive positions
     * whose valid taps are the same. Position i keeps tap t when 0 <= i + t - k/2 < n.
     */
    static List<int[]> ranges(int n, int k) {
        int p = k / 2;
        List<int[]> runs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int lo = Math.max(0, p - i), hi = Math.min(k, n + p - i);
            int[] last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
            if (last != null && last[2] == lo && last[3] == hi) last[1]++;
            else runs.add(new int[]{i, 1, lo, hi});
        }
        return runs;
    }

    /**
     * Writes part {@code i}'s rows of the HWIO weights, its [taps c, oc] matrix in its patch
     * columns' order, into {@code into} (any layout a product chose): the part's taps are a
     * [kernel rows, kernel columns, c, oc] block of the f32 HWIO matrix {@code hwio}, copied dense
     * first (taps kx0..kx1 of a kernel row are consecutive, the kernel rows are not).
     */
    void weights(memory hwio, int i, memory into) {
        Part p = parts.get(i);
        int kys = p.ky1() - p.ky0(), kxs = p.kx1() - p.kx0();
        long rowBlock = (long) c * oc;
        memory.desc block = new memory.desc(new long[]{kys, kxs, c, oc}, memory.data_type.f32,
                new long[]{k * rowBlock, rowBlock, oc, 1});
        memory from = new memory(block, Dnnl.engine(),
                new org.bytedeco.javacpp.BytePointer(hwio.get_data_handle()).position(4L * (p.ky0() * k + p.kx0()) * rowBlock));
        if (dense == null) dense = Dnnl.alloc(Dnnl.rowMajor((long) k * k * c, oc, memory.data_type.f32));
        Dnnl.reorder(from, new memory(new memory.desc(new long[]{kys, kxs, c, oc}, memory.data_type.f32, memory.format_tag.abcd),
                Dnnl.engine(), dense.get_data_handle()), 1f);
        Dnnl.reorder(new memory(Dnnl.rowMajor((long) p.taps() * c, oc, memory.data_type.f32), Dnnl.engine(), dense.get_data_handle()), into, 1f);
    }

    /**
     * @param from the source map's type (the patches take it too)
     * @param to   the products' and the destination's type
     */
    DnnlPatchClasses(int n, int h, int w, int c, int oc, int k, memory.data_type from, memory.data_type to) {
        parts = parts(h, w, k);
        this.c = c;
        this.oc = oc;
        this.k = k;
        patches = new memory[parts.size()];
        products = new memory[parts.size()];
        scatter = new Dnnl.RegionCopy[parts.size()];
        gatherOut = new Dnnl.RegionCopy[parts.size()];
        long fromBytes = Dnnl.bytes(from), toBytes = Dnnl.bytes(to);
        int pad = k / 2;
        for (int i = 0; i < parts.size(); i++) {
            Part p = parts.get(i);
            long rows = (long) n * p.pixels(), cols = (long) p.taps() * c;
            patches[i] = Dnnl.alloc(Dnnl.rowMajor(rows, cols, from));
            products[i] = Dnnl.alloc(Dnnl.rowMajor(rows, oc, to));
            List<Dnnl.RegionCopy> copies = new ArrayList<>();
            int t = 0;
            for (int ky = p.ky0(); ky < p.ky1(); ky++)
                for (int kx = p.kx0(); kx < p.kx1(); kx++, t++) {
                    // Logical dims N, C, H, W over the part's pixels: the source shifted by the tap,
                    // the destination the tap's column block of the part's patch matrix.
                    memory.desc src = region(n, c, p, (long) h * w * c, (long) w * c, c, from);
                    memory.desc dst = region(n, c, p, rows / n * cols, p.xs() * cols, cols, from);
                    memory into = new memory(dst, Dnnl.engine(),
                            new org.bytedeco.javacpp.BytePointer(patches[i].get_data_handle()).position(fromBytes * t * c));
                    long at = fromBytes * (((long) (p.y0() + ky - pad) * w + (p.x0() + kx - pad)) * c);
                    copies.add(new Dnnl.RegionCopy(src, at, into, true));
                }
            gather.add(copies);
            memory.desc part = region(n, oc, p, (long) p.pixels() * oc, (long) p.xs() * oc, oc, to);
            memory.desc dst = region(n, oc, p, (long) h * w * oc, (long) w * oc, oc, to);
            memory product = new memory(part, Dnnl.engine(), products[i].get_data_handle());
            scatter[i] = new Dnnl.RegionCopy(dst, toBytes * (((long) p.y0() * w + p.x0()) * oc), product, false);
            gatherOut[i] = new Dnnl.RegionCopy(dst, toBytes * (((long) p.y0() * w + p.x0()) * oc), product, true);
        }
    }

    /** A [n, c, ys, xs] region with the given image, row and pixel strides (channels consecutive). */
    private static memory.desc region(int n, int c, Part p, long image, long row, long pixel, memory.data_type t) {
        return new memory.desc(new long[]{n, c, p.ys(), p.xs()}, t, new long[]{image, 1, row, pixel});
    }

    /** Fills every part's patch matrix from the NHWC map at {@code src}. */
    void fill(Pointer src) {
        for (List<Dnnl.RegionCopy> copies : gather) for (Dnnl.RegionCopy r : copies) r.run(src);
    }

    /**
     * The reverse of {@link #scatter}: copies every part's pixels of an NHWC map of {@code oc}
     * channels (e.g. the gradient at a layer's output) into the part's product buffer.
     */
    void gather(Pointer nhwc) {
        for (Dnnl.RegionCopy r : gatherOut) r.run(nhwc);
    }

    /** Copies every part's product into its pixels of the NHWC map at {@code dst}. */
    void scatter(Pointer dst) {
        for (Dnnl.RegionCopy r : scatter) r.run(dst);
    }
}
