package org.emomc4j.nn;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.convolution_backward_data;
import org.bytedeco.dnnl.convolution_backward_weights;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.post_ops;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.bytedeco.dnnl.global.dnnl.*;

/**
 * One training convolution (same padding, stride 1) on oneDNN at compute type {@code t} (bf16 for
 * bf16 training): forward, backward-data and backward-weights, reading and writing the fp32 ND4J
 * buffers of the engine in place (activations NHWC, weights HWIO). Operands are converted to
 * {@code t} by oneDNN reorders; accumulation, outputs and the weight gradient stay fp32, so the
 * master weights, optimizer and BatchNorm never see bf16. The input converted for the forward
 * pass is kept for the weight gradient. Wide bf16 layers on small maps run as matrix products
 * instead ({@link Products}): on CPUs with AMX those of at most 16 pixels, without AMX 2x2 ones
 * ({@link Kernels}).
 */
final class DnnlTrainConv {

    private final int h, w, ic, oc, k;
    private final memory.data_type t;
    /** Bytes per element of {@link #t}: the offsets into the compute-type buffers below. */
    private final long tb;
    private final Map<Integer, P> prims = new HashMap<>();
    private final Map<Integer, Products> products = new HashMap<>();
    /** Largest map side whose weight gradient is taken as per-tap matrix products with {@link Kernels#AMX} (see {@link P}). */
    static final int SMALL_MAP = 16;
    /** Whether this layer runs as matrix products over patch matrices ({@link Products}). */
    final boolean asProducts;
    private final Kernels kernels;
    /** A wide bf16 layer on a map of at most 16 pixels ({@link DnnlConv#smallMapProducts}). */
    private final boolean smallMap;

    /**
     * Which kernels a bf16 layer on a small map trains with: the faster ones differ between CPUs
     * with AMX and without, measured on each (batch 128, VGG-16 width 1's layers). The sums are
     * the same in another order (fp32 accumulation everywhere).
     */
    enum Kernels {
        /**
         * With AMX (Intel Xeon): oneDNN 2.5's bf16 convolutions are slow on maps of at most 16
         * pixels, and its weight gradient below 32x32 (28-114 GFLOP/s, 1-5 in the 2x2 and 4x4
         * layers): wide layers on maps of at most 16 pixels train as {@link Products}, and on maps
         * up to {@value #SMALL_MAP}x{@value #SMALL_MAP} the weight gradient is nine per-tap products.
         */
        AMX,
        /**
         * AVX-512 BF16 without AMX (AMD EPYC, 2026-11-27): oneDNN's own weight gradient is about
         * twice the per-tap products on 8x8 and 16x16 maps (256 -> 256 on 8x8: 21.9 against 44.7
         * ms), and its convolutions beat the zero-padded products on 4x4 (512 -> 512, forward and
         * backward: 70 against 84 ms); products stay only where every window covers the map (2x2:
         * 19 against 42 ms). The 4x4 layers' weight gradient, where oneDNN's runs at half its speed
         * on larger maps, is products over the map's parts instead ({@link PartsWgrad}; 512 -> 512:
         * 21-23 against 30-40 ms, 256 -> 512: 11-13 against 14-16).
         */
        AVX512;

        /** The kernels for this machine's CPU, as oneDNN sees it. */
        static Kernels forThisCpu() { return Dnnl.amx() ? AMX : AVX512; }
    }

    DnnlTrainConv(LayerSpec s, memory.data_type t) { this(s, t, Kernels.forThisCpu()); }

    DnnlTrainConv(LayerSpec s, memory.data_type t, Kernels kernels) {
        if (!s.isConv() || s.groups() != 1 || s.kernel() % 2 == 0 || s.inH() != s.outH() || s.inW() != s.outW())
            throw new IllegalArgumentException("oneDNN training convolution expects same-padded stride-1 groups-1, got " + s);
        this.h = s.inH(); this.w = s.inW(); this.ic = s.inChannels(); this.oc = s.outChannels(); this.k = s.kernel();
        this.t = t;
        this.tb = Dnnl.bytes(t);
        this.kernels = kernels;
        this.smallMap = DnnlConv.smallMapProducts(s, t);
        this.asProducts = smallMap && (kernels == Kernels.AMX || h <= k / 2 + 1 && w <= k / 2 + 1);
    }

    /** Primitives and oneDNN-owned buffers of one batch size; user memories get their handles per call. */
    private final class P {
        final convolution_forward fwd;
        final convolution_backward_data bd;
        final convolution_backward_weights bw;
        final memory xU, wU, zU, gzU, gxU, gwU;   // views of ND4J buffers (handle set per call)
        final memory xT, wF, wB, gzT, gwA;         // owned: converted operands, oneDNN layouts
        final Dnnl.Reorder xToT, wToF, wToB, gzToT, gwToU;
        final IntMemoryMap fa = new IntMemoryMap(), da = new IntMemoryMap(), wa = new IntMemoryMap();
        /** Weight gradient as nine per-tap matrix products (small maps). */
        final boolean taps;
        final Taps tg;
        /** Weight gradient as products over the map's parts, without padding (small maps without AMX); else null. */
        final PartsWgrad parts;

        P(int n) {
            memory.data_type f32 = memory.data_type.f32;
            long[] st = {1, 1}, pad = {k / 2, k / 2};
            memory.desc xd = Dnnl.nhwc(n, ic, h, w, t), zd = Dnnl.nhwc(n, oc, h, w, f32),
                    wd = new memory.desc(new long[]{oc, ic, k, k}, t, memory.format_tag.any),
                    gzd = Dnnl.nhwc(n, oc, h, w, t), gxd = Dnnl.nhwc(n, ic, h, w, f32),
                    gwd = new memory.desc(new long[]{oc, ic, k, k}, f32, memory.format_tag.any);
            convolution_forward.primitive_desc fp = new convolution_forward.primitive_desc(new convolution_forward.desc(
                    prop_kind.forward_training, algorithm.convolution_direct, xd, wd, zd, st, pad, pad), Dnnl.engine());
            convolution_backward_data.primitive_desc dp = new convolution_backward_data.primitive_desc(
                    new convolution_backward_data.desc(algorithm.convolution_direct, gxd, wd, gzd, st, pad, pad), Dnnl.engine(), fp);
            // Measured on a Xeon with AMX: oneDNN 2.5's bf16 weight-gradient convolution beats fp32 only
            // on 32x32 maps (513 vs 173 GFLOP/s) and is slow below (28-114; 1-5 GFLOP/s in the engine's
            // 2x2 and 4x4 layers; fp32 96-183). There, on maps up to 16x16 the weight gradient is instead
            // nine bf16 matrix products (oneDNN matmul, AMX) over zero-bordered flat buffers, one per
            // kernel tap: gW[tap] = Xtap^T gZ, each Xtap an offset view (the fp32 engine's scheme).
            // Without AMX oneDNN's own is the faster (Kernels).
            // Without AMX oneDNN's is about half as fast on the 4x4 maps as on larger ones: there the
            // products over the map's parts (PartsWgrad) take it.
            taps = t != f32 && h <= SMALL_MAP && kernels == Kernels.AMX;
            parts = smallMap && !asProducts ? new PartsWgrad(n) : null;
            boolean own = taps || parts != null;
            convolution_backward_weights.primitive_desc wp = own ? null : new convolution_backward_weights.primitive_desc(
                    new convolution_backward_weights.desc(algorithm.convolution_direct, xd, gwd, gzd, st, pad, pad), Dnnl.engine(), fp);
            fwd = new convolution_forward(fp);
            bd = new convolution_backward_data(dp);
            bw = own ? null : new convolution_backward_weights(wp);
            memory.desc hwio = new memory.desc(new long[]{oc, ic, k, k}, f32, memory.format_tag.hwio);
            xU = user(Dnnl.nhwc(n, ic, h, w, f32));
            wU = user(hwio);
            zU = user(zd);
            gzU = user(Dnnl.nhwc(n, oc, h, w, f32));
            gxU = user(gxd);
            gwU = user(hwio);
            xT = Dnnl.alloc(fp.src_desc());
            wF = Dnnl.alloc(fp.weights_desc());
            wB = Dnnl.alloc(dp.weights_desc());
            gzT = Dnnl.alloc(dp.diff_dst_desc());
            gwA = own ? null : Dnnl.alloc(wp.diff_weights_desc());
            xToT = new Dnnl.Reorder(xU, xT, 1f);
            wToF = new Dnnl.Reorder(wU, wF, 1f);
            wToB = new Dnnl.Reorder(wU, wB, 1f);
            gzToT = new Dnnl.Reorder(gzU, gzT, 1f);
            gwToU = own ? null : new Dnnl.Reorder(gwA, gwU, 1f);
            fa.put(DNNL_ARG_SRC, xT); fa.put(DNNL_ARG_WEIGHTS, wF); fa.put(DNNL_ARG_DST, zU);
            da.put(DNNL_ARG_DIFF_SRC, gxU); da.put(DNNL_ARG_WEIGHTS, wB); da.put(DNNL_ARG_DIFF_DST, gzT);
            if (!own) { wa.put(DNNL_ARG_SRC, xT); wa.put(DNNL_ARG_DIFF_DST, gzT); wa.put(DNNL_ARG_DIFF_WEIGHTS, gwA); }
            tg = taps ? new Taps(n, xU, gzU) : null;
        }

        private memory user(memory.desc d) {
            return new memory(d, Dnnl.engine(), (Pointer) null);
        }
    }

    /**
     * The weight gradient of a small map (3x3, 4x4) without the padding's products, for one batch
     * size, where oneDNN's weight-gradient convolution runs at about half its speed on larger maps
     * (without AMX; 4x4, 512 -> 512 at batch 128: about 39 ms against 18 for the forward pass).
     * Per part of the map ({@link DnnlPatchClasses}: pixels keeping the same taps inside it),
     * gW[the part's taps] += P^T gZp, P the part's patches of x and gZp the output gradient at its
     * pixels (both bf16, from the converted x and gZ), accumulated in fp32 straight into gW's HWIO
     * rows: one product per part when its taps span whole kernel rows (consecutive HWIO rows),
     * else one per kernel row. The part with all k x k taps writes first, the others add.
     */
    private final class PartsWgrad {
        final DnnlPatchClasses cls;
        final List<org.bytedeco.dnnl.matmul> products = new ArrayList<>();
        final List<IntMemoryMap> args = new ArrayList<>();
        /** Each product's destination, a block of gW's rows re-pointed per call, and its byte offset in gW. */
        final List<memory> into = new ArrayList<>();
        final List<Long> intoOffset = new ArrayList<>();
        /** Whether no part keeps every tap, so gW is zeroed before the products add. */
        final boolean zeroFirst;

        PartsWgrad(int n) {
            memory.data_type f32 = memory.data_type.f32;
            cls = new DnnlPatchClasses(n, h, w, ic, oc, k, t, t);
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < cls.parts.size(); i++) order.add(i);
            order.sort((a, b) -> Integer.compare(cls.parts.get(b).taps(), cls.parts.get(a).taps()));
            zeroFirst = cls.parts.get(order.get(0)).taps() != k * k;
            boolean first = !zeroFirst;
            for (int i : order) {
                DnnlPatchClasses.Part p = cls.parts.get(i);
                int kxs = p.kx1() - p.kx0();
                long rows = (long) n * p.pixels(), cols = (long) p.taps() * ic;
                // Whole kernel rows are consecutive in HWIO: one product; else one per kernel row.
                int step = kxs == k ? p.ky1() - p.ky0() : 1;
                for (int ky = p.ky0(); ky < p.ky1(); ky += step) {
                    long m = (long) step * kxs * ic;
                    memory.desc a = new memory.desc(new long[]{m, rows}, t, new long[]{1, cols}),
                            c = Dnnl.rowMajor(m, oc, f32);
                    primitive_attr attr = new primitive_attr();
                    if (!first) {
                        post_ops po = new post_ops();
                        po.append_sum();
                        attr.set_post_ops(po);
                    }
                    first = false;
                    products.add(new org.bytedeco.dnnl.matmul(Dnnl.matmul(a, Dnnl.rowMajor(rows, oc, t), null, c, attr)));
                    memory c0 = new memory(c, Dnnl.engine(), (Pointer) null);
                    IntMemoryMap arg = new IntMemoryMap();
                    arg.put(DNNL_ARG_SRC, new memory(a, Dnnl.engine(), at(cls.patches[i], tb * (ky - p.ky0()) * kxs * ic)));
                    arg.put(DNNL_ARG_WEIGHTS, cls.products[i]);
                    arg.put(DNNL_ARG_DST, c0);
                    args.add(arg);
                    into.add(c0);
                    intoOffset.add(4L * (ky * k + p.kx0()) * ic * oc);
                }
            }
        }

        /** gW (HWIO f32) from the bf16 NHWC x and gZ. */
        void run(memory xT, memory gzT, Pointer gW) {
            cls.fill(xT.get_data_handle());
            cls.gather(gzT.get_data_handle());
            if (zeroFirst) Pointer.memset(gW, 0, 4L * k * k * ic * oc);
            for (int j = 0; j < products.size(); j++) {
                into.get(j).set_data_handle(new BytePointer(gW).position(gW.position() + intoOffset.get(j)));
                Dnnl.run(products.get(j), args.get(j));
            }
        }
    }

    /** The per-tap weight gradient of one batch size: zero-bordered bf16 copies of x and gZ, one matmul. */
    private final class Taps {
        final memory xPad, gPad, xIn, gIn, b;
        final memory[] a = new memory[9], c = new memory[9];
        final IntMemoryMap[] args = new IntMemoryMap[9];
        final Dnnl.Reorder xToPad, gToPad;
        final org.bytedeco.dnnl.matmul mm;

        Taps(int n, memory xU, memory gzU) {
            int hp = h + 2, wq = w + 2;
            long rows = (long) n * hp * wq, marg = wq + 1;
            memory.data_type f32 = memory.data_type.f32;
            xPad = zeros(Dnnl.vector((rows + 2 * marg) * ic, t), tb * (rows + 2 * marg) * ic);
            gPad = zeros(Dnnl.vector(rows * oc, t), tb * rows * oc);
            // Interiors: NHWC with the padded row pitch; the borders stay zero (the convolution's padding).
            xIn = new memory(new memory.desc(new long[]{n, ic, h, w}, t, new long[]{(long) hp * wq * ic, 1, (long) wq * ic, ic}),
                    Dnnl.engine(), at(xPad, tb * (marg + wq + 1) * ic));
            gIn = new memory(new memory.desc(new long[]{n, oc, h, w}, t, new long[]{(long) hp * wq * oc, 1, (long) wq * oc, oc}),
                    Dnnl.engine(), at(gPad, tb * (wq + 1) * oc));
            memory.desc ad = new memory.desc(new long[]{ic, rows}, t, new long[]{1, ic}),
                    bd = new memory.desc(new long[]{rows, oc}, t, new long[]{oc, 1}),
                    cd = new memory.desc(new long[]{ic, oc}, f32, new long[]{oc, 1});
            mm = new org.bytedeco.dnnl.matmul(Dnnl.matmul(ad, bd, cd));
            b = new memory(bd, Dnnl.engine(), gPad.get_data_handle());
            for (int kh = 0; kh < 3; kh++)
                for (int kw = 0; kw < 3; kw++) {
                    int k = kh * 3 + kw;
                    long r0 = marg + (long) (kh - 1) * wq + (kw - 1);
                    a[k] = new memory(ad, Dnnl.engine(), at(xPad, tb * r0 * ic));
                    c[k] = new memory(cd, Dnnl.engine(), (Pointer) null);
                    args[k] = new IntMemoryMap();
                    args[k].put(DNNL_ARG_SRC, a[k]);
                    args[k].put(DNNL_ARG_WEIGHTS, b);
                    args[k].put(DNNL_ARG_DST, c[k]);
                }
            xToPad = new Dnnl.Reorder(xU, xIn, 1f);
            gToPad = new Dnnl.Reorder(gzU, gIn, 1f);
        }
    }

    /**
     * A small-map layer as three bf16 matrix products (oneDNN matmul, AMX) over patch matrices
     * ({@link DnnlPatches}), for one batch size. oneDNN 2.5's convolutions run VGG-16's 2x2 and 4x4
     * layers at a fraction of AMX's speed in all three passes (measured in a width-1 bf16 step:
     * 41 % of oneDNN's time in those six layers). With X = patches(x) [rows, 9 ic] and
     * G = patches(gZ) [rows, 9 oc]:
     * z = X W (W the HWIO weights as [9 ic, oc]); gW = X^T gZ, exactly the HWIO layout (gZ is G's
     * centre block); gX = G W'', W'' [9 oc, ic] holding tap (2-ky, 2-kx) of W transposed at tap
     * (ky, kx) (backward data is a convolution of gZ with the flipped, transposed kernel).
     * Operands bf16, accumulation and outputs fp32, as in {@link P}.
     */
    private final class Products {
        final DnnlPatches xP, gP;
        final org.bytedeco.dnnl.matmul fwd, bd, bw;
        final memory zU, gxU, gwU, wU, wF, wFlip, wB, gzC;
        final memory[] wTapU;
        final Dnnl.Reorder wToF, flipToB;
        final Dnnl.Reorder[] tapToFlip;
        final IntMemoryMap fa = new IntMemoryMap(), da = new IntMemoryMap(), wa = new IntMemoryMap();

        Products(int n) {
            memory.data_type f32 = memory.data_type.f32;
            xP = new DnnlPatches(n, h, w, ic, k, f32, t);
            gP = new DnnlPatches(n, h, w, oc, k, f32, t);
            long rows = xP.rows, kic = (long) k * k * ic, koc = (long) k * k * oc;
            org.bytedeco.dnnl.matmul.primitive_desc fp = Dnnl.matmul(xP.matrix.get_desc(),
                    new memory.desc(new long[]{kic, oc}, t, memory.format_tag.any), Dnnl.rowMajor(rows, oc, f32));
            org.bytedeco.dnnl.matmul.primitive_desc dp = Dnnl.matmul(gP.matrix.get_desc(),
                    new memory.desc(new long[]{koc, ic}, t, memory.format_tag.any), Dnnl.rowMajor(rows, ic, f32));
            // X^T: the patch matrix read column-major; gZ: the centre tap's column block of G.
            memory.desc xT = new memory.desc(new long[]{kic, rows}, t, new long[]{1, kic}),
                    gzd = new memory.desc(new long[]{rows, oc}, t, new long[]{koc, 1});
            org.bytedeco.dnnl.matmul.primitive_desc wp = Dnnl.matmul(xT, gzd, Dnnl.rowMajor(kic, oc, f32));
            fwd = new org.bytedeco.dnnl.matmul(fp);
            bd = new org.bytedeco.dnnl.matmul(dp);
            bw = new org.bytedeco.dnnl.matmul(wp);
            zU = new memory(Dnnl.rowMajor(rows, oc, f32), Dnnl.engine(), (Pointer) null);
            gxU = new memory(Dnnl.rowMajor(rows, ic, f32), Dnnl.engine(), (Pointer) null);
            gwU = new memory(Dnnl.rowMajor(kic, oc, f32), Dnnl.engine(), (Pointer) null);
            wU = new memory(Dnnl.rowMajor(kic, oc, f32), Dnnl.engine(), (Pointer) null);
            wF = Dnnl.alloc(fp.weights_desc());
            wB = Dnnl.alloc(dp.weights_desc());
            wFlip = Dnnl.alloc(Dnnl.rowMajor(koc, ic, t));
            gzC = new memory(gzd, Dnnl.engine(), new BytePointer(gP.matrix.get_data_handle()).position(tb * (k * k / 2) * oc));
            wToF = new Dnnl.Reorder(wU, wF, 1f);
            flipToB = new Dnnl.Reorder(wFlip, wB, 1f);
            int taps = k * k;
            wTapU = new memory[taps];
            tapToFlip = new Dnnl.Reorder[taps];
            for (int tap = 0; tap < taps; tap++) {
                // Tap `tap` of HWIO, [ic, oc] row-major, read as [oc, ic], into tap (taps - 1 - tap) of W''.
                wTapU[tap] = new memory(new memory.desc(new long[]{oc, ic}, f32, new long[]{1, oc}), Dnnl.engine(), (Pointer) null);
                memory into = new memory(Dnnl.rowMajor(oc, ic, t), Dnnl.engine(),
                        new BytePointer(wFlip.get_data_handle()).position(tb * (taps - 1 - tap) * oc * ic));
                tapToFlip[tap] = new Dnnl.Reorder(wTapU[tap], into, 1f);
            }
            fa.put(DNNL_ARG_SRC, xP.matrix); fa.put(DNNL_ARG_WEIGHTS, wF); fa.put(DNNL_ARG_DST, zU);
            da.put(DNNL_ARG_SRC, gP.matrix); da.put(DNNL_ARG_WEIGHTS, wB); da.put(DNNL_ARG_DST, gxU);
            wa.put(DNNL_ARG_SRC, new memory(xT, Dnnl.engine(), xP.matrix.get_data_handle()));
            wa.put(DNNL_ARG_WEIGHTS, gzC); wa.put(DNNL_ARG_DST, gwU);
        }

        void forward(INDArray x, INDArray wHwio, INDArray z) {
            xP.fill(address(x));
            wU.set_data_handle(address(wHwio));
            zU.set_data_handle(address(z));
            wToF.run();
            Dnnl.run(fwd, fa);
        }

        void backward(INDArray gZ, INDArray wHwio, INDArray gX, INDArray gW) {
            gP.fill(address(gZ));
            gwU.set_data_handle(address(gW));
            Dnnl.run(bw, wa);
            if (gX == null) return;
            Pointer wp = address(wHwio);
            for (int tap = 0; tap < wTapU.length; tap++) {
                wTapU[tap].set_data_handle(new BytePointer(wp).position(wp.position() + 4L * tap * ic * oc));
                tapToFlip[tap].run();
            }
            flipToB.run();
            gxU.set_data_handle(address(gX));
            Dnnl.run(bd, da);
        }
    }

    private static memory zeros(memory.desc d, long bytes) {
        memory m = Dnnl.alloc(d);
        Pointer.memset(m.get_data_handle(), 0, bytes);
        return m;
    }

    private static Pointer at(memory m, long byteOffset) {
        return new BytePointer(m.get_data_handle()).position(byteOffset);
    }

    private P prim(int n) { return prims.computeIfAbsent(n, P::new); }

    /**
     * The host address of an ND4J float array's first element (it must be contiguous, C order).
     * A view's buffer already points at the view's start ({@code data().offset()} elements in).
     */
    static Pointer address(INDArray a) {
        if (a.dataType() != org.nd4j.linalg.api.buffer.DataType.FLOAT || a.ordering() != 'c')
            throw new IllegalArgumentException("oneDNN reads float C-order arrays, got " + a.dataType() + " " + a.ordering());
        return new BytePointer(a.data().addressPointer()).position(4L * (a.offset() - a.data().offset()));
    }

    /** z = conv(x, w): x NHWC [n,h,w,ic], w HWIO, z NHWC [n,h,w,oc], all fp32 ND4J arrays. */
    void forward(int n, INDArray x, INDArray wHwio, INDArray z) {
        if (asProducts) { products.computeIfAbsent(n, Products::new).forward(x, wHwio, z); return; }
        P p = prim(n);
        p.xU.set_data_handle(address(x));
        p.wU.set_data_handle(address(wHwio));
        p.zU.set_data_handle(address(z));
        p.xToT.run();
        p.wToF.run();
        Dnnl.run(p.fwd, p.fa);
    }

    /**
     * From gZ (dLoss/dz): the weight gradient into gW (HWIO, overwritten) and, unless gX is null,
     * the input gradient into gX, for the last {@link #forward} of batch size n (whose input x was).
     */
    void backward(int n, INDArray x, INDArray gZ, INDArray wHwio, INDArray gX, INDArray gW) {
        if (asProducts) { products.computeIfAbsent(n, Products::new).backward(gZ, wHwio, gX, gW); return; }
        P p = prim(n);
        p.gzU.set_data_handle(address(gZ));
        p.gwU.set_data_handle(address(gW));
        p.gzToT.run();
        if (p.taps) {
            Taps tg = p.tg;
            p.xU.set_data_handle(address(x));
            tg.xToPad.run();
            tg.gToPad.run();
            Pointer gw = address(gW);
            for (int k = 0; k < 9; k++) {
                tg.c[k].set_data_handle(new BytePointer(gw).position(4L * k * ic * oc));
                Dnnl.run(tg.mm, tg.args[k]);
            }
        } else if (p.parts != null) {
            p.parts.run(p.xT, p.gzT, address(gW));
        } else {
            Dnnl.run(p.bw, p.wa);
            p.gwToU.run();
        }
        if (gX != null) {
            p.wU.set_data_handle(address(wHwio));
            p.gxU.set_data_handle(address(gX));
            p.wToB.run();
            Dnnl.run(p.bd, p.da);
        }
    }
}
