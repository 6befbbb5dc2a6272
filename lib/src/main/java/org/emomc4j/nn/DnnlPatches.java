package org.emomc4j.nn;

import org.bytedeco.dnnl.memory;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * The k x k patches of an NHWC map (same padding, stride 1) as a [n h w, k k c] matrix of type
 * {@code to}, row (image, y, x), column (tap, channel): one strided oneDNN copy per kernel tap,
 * which also converts the type (e.g. fp32 to bf16). Entries whose window lies outside the map
 * are zeroed once and never written: the convolution's padding. With it a small-map convolution
 * becomes one matrix product (patches times the HWIO weights read as [k k c, oc]), which AMX runs
 * several times faster than oneDNN 2.5's convolution on maps of at most 16 pixels.
 */
final class DnnlPatches {

    final int rows, cols;
    /** The [n h w, k k c] matrix (row-major). */
    final memory matrix;
    private final Dnnl.RegionCopy[] copy;

    DnnlPatches(int n, int h, int w, int c, int k, memory.data_type from, memory.data_type to) {
        rows = n * h * w;
        cols = k * k * c;
        long fromBytes = Dnnl.bytes(from), toBytes = Dnnl.bytes(to);
        matrix = Dnnl.alloc(new memory.desc(new long[]{rows, cols}, to, memory.format_tag.ab));
        Pointer.memset(matrix.get_data_handle(), 0, toBytes * rows * cols);
        int p = k / 2;
        copy = new Dnnl.RegionCopy[k * k];
        for (int ky = 0; ky < k; ky++)
            for (int kx = 0; kx < k; kx++) {
                int t = ky * k + kx, dy = ky - p, dx = kx - p;
                int oy0 = Math.max(0, -dy), ox0 = Math.max(0, -dx), hv = h - Math.abs(dy), wv = w - Math.abs(dx);
                if (hv <= 0 || wv <= 0) continue;   // a tap that never meets the map (k > 2h - 1)
                // Logical dims N, C, H, W over the output pixels whose window has this tap inside the map.
                memory.desc src = new memory.desc(new long[]{n, c, hv, wv}, from,
                        new long[]{(long) h * w * c, 1, (long) w * c, c});
                memory.desc dst = new memory.desc(new long[]{n, c, hv, wv}, to,
                        new long[]{(long) h * w * cols, 1, (long) w * cols, cols});
                memory into = new memory(dst, Dnnl.engine(),
                        new BytePointer(matrix.get_data_handle()).position(toBytes * (((long) oy0 * w + ox0) * cols + (long) t * c)));
                copy[t] = new Dnnl.RegionCopy(src, fromBytes * (((long) (oy0 + dy) * w + (ox0 + dx)) * c), into, true);
            }
    }

    /** Fills the matrix from the NHWC map at {@code src} (a batch's buffer is usually the same call after call). */
    void fill(Pointer src) {
        for (Dnnl.RegionCopy r : copy) if (r != null) r.run(src);
    }
}
