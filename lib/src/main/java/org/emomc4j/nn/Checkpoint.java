package org.emomc4j.nn;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.CRC32;

/**
 * The engine's checkpoint file: one network's weights, BatchNorm statistics, masks, optional
 * optimizer state, the completed epoch count and the run's configuration.
 *
 * <p>Format, version 1 (all numbers big-endian):
 * <pre>
 *   8 bytes  magic "EMOMC4JC"
 *   int      format version (1)
 *   string   model name, e.g. "vgg16"          (string = int byte length + UTF-8 bytes)
 *   double   width multiplier
 *   string   architecture id: spec id + every layer's weight shape, e.g. "vgg16|3x3x3x64,...,512x10"
 *   int      completed epochs
 *   string   run configuration (JSON; "{}" when none)
 *   long P,  P floats   trainable parameters, layer by layer: conv W (HWIO), gamma, beta; FC W [in,out], bias
 *   long B,  B floats   BatchNorm running means, then B floats running variances (conv layers in order)
 *   byte     1 if SGD momentum buffers follow (P floats), else 0
 *   int M,   M times    mask: int layer, int n, ceil(n/8) bytes of keep bits (bit i%8 of byte i/8)
 *   long     CRC-32 of every byte before it
 *   8 bytes  end magic "EMOMCEND"
 * </pre>
 * There is no separate RNG state: initial weights, data order and augmentation are pure
 * functions of the seed in the saved configuration and of (epoch, batch), so the seed and the
 * completed-epoch count are the whole random state of a run.
 * Files are written to a temporary sibling and renamed into place, so a crash never leaves a
 * half-written checkpoint under the real name. Reading verifies magic, version, length and
 * checksum over the whole file before anything is built, so a bad file is refused with an
 * {@link IllegalArgumentException} and nothing is half-loaded.
 */
public final class Checkpoint {

    static final byte[] MAGIC = "EMOMC4JC".getBytes(StandardCharsets.US_ASCII);
    static final byte[] END = "EMOMCEND".getBytes(StandardCharsets.US_ASCII);
    public static final int VERSION = 1;

    private Checkpoint() { }

    /**
     * A checkpoint's content.
     *
     * @param model    the network (weights, BatchNorm statistics, masks)
     * @param velocity SGD momentum buffers, or null
     * @param epoch    completed epochs
     * @param config   run configuration as JSON
     */
    public record Loaded(Model model, float[] velocity, int epoch, String config) { }

    /** Architecture id: spec id plus every layer's weight shape, so a mismatching file is recognised. */
    static String architectureId(NetworkSpec spec) {
        StringBuilder sb = new StringBuilder(spec.id()).append('|');
        for (LayerSpec l : spec.layers()) {
            if (l.index() > 0) sb.append(',');
            long[] s = l.weightShape();
            for (int i = 0; i < s.length; i++) sb.append(i > 0 ? "x" : "").append(s[i]);
        }
        return sb.toString();
    }

    /** Writes atomically (temporary file + rename). */
    public static void write(Path file, Model m, float[] velocity, int epoch, String configJson) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 64,
                    16 * m.paramCount() + 8 * m.bnCount() + 4096));
            DataOutputStream out = new DataOutputStream(bytes);
            out.write(MAGIC);
            out.writeInt(VERSION);
            string(out, m.spec().model());
            out.writeDouble(m.spec().width());
            string(out, architectureId(m.spec()));
            out.writeInt(epoch);
            string(out, configJson == null ? "{}" : configJson);
            floats(out, m.paramsArray(), true);
            floats(out, m.runningArray(false), true);
            floats(out, m.runningArray(true), false);
            out.writeByte(velocity == null ? 0 : 1);
            if (velocity != null) {
                if (velocity.length != m.paramCount()) throw new IllegalArgumentException("velocity length mismatch");
                floats(out, velocity, false);
            }
            int masked = 0;
            for (int l = 0; l < m.spec().size(); l++) if (m.mask(l) != null) masked++;
            out.writeInt(masked);
            for (int l = 0; l < m.spec().size(); l++) {
                boolean[] k = m.mask(l);
                if (k == null) continue;
                out.writeInt(l);
                out.writeInt(k.length);
                byte[] bits = new byte[(k.length + 7) / 8];
                for (int i = 0; i < k.length; i++) if (k[i]) bits[i >> 3] |= (byte) (1 << (i & 7));
                out.write(bits);
            }
            out.flush();
            CRC32 crc = new CRC32();
            byte[] body = bytes.toByteArray();
            crc.update(body);
            out.writeLong(crc.getValue());
            out.write(END);
            out.flush();
            byte[] all = bytes.toByteArray();
            org.emomc4j.util.AtomicFiles.write(file, all);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a checkpoint and builds the network it holds. */
    public static Loaded read(Path file) {
        Parsed p = parse(file);
        NetworkSpec spec;
        try {
            spec = NetworkSpec.vgg(p.model, p.width);
        } catch (IllegalArgumentException e) {
            throw bad(file, "unknown architecture " + p.model + " width " + p.width);
        }
        if (!architectureId(spec).equals(p.arch))
            throw bad(file, "architecture id " + p.arch + " does not match this version's " + spec.id());
        Model m = Model.create(spec, 0);
        install(p, m);
        return new Loaded(m, p.velocity, p.epoch, p.config);
    }

    /**
     * Copies a checkpoint without its optimizer state (the SGD momentum buffers): the same format,
     * about half the size, for sharing a trained network (e.g. the committed teaching checkpoint
     * {@code models/quick-baseline.ckpt}). The source is read with every check of {@link #read}.
     *
     * @return the copy's content (epoch and configuration kept)
     */
    public static Loaded writeWeightsOnly(Path from, Path to) {
        Loaded l = read(from);
        write(to, l.model(), null, l.epoch(), l.config());
        return new Loaded(l.model(), null, l.epoch(), l.config());
    }

    /** Reads a checkpoint into an existing network, which must have the same architecture. */
    public static Loaded readInto(Path file, Model m) {
        Parsed p = parse(file);
        String want = architectureId(m.spec());
        if (!want.equals(p.arch))
            throw bad(file, "it holds " + p.arch.substring(0, p.arch.indexOf('|')) + ", not "
                    + m.spec().id() + " (architecture " + p.arch + " vs " + want + ")");
        if (p.params.length != m.paramCount() || p.mean.length != m.bnCount())
            throw bad(file, "parameter counts do not match the architecture");
        install(p, m);
        return new Loaded(m, p.velocity, p.epoch, p.config);
    }

    private static void install(Parsed p, Model m) {
        if (p.params.length != m.paramCount() || p.mean.length != m.bnCount())
            throw new IllegalArgumentException("checkpoint parameter counts do not match " + m.spec().id());
        for (int[] mk : p.maskLayers) {
            if (mk[0] < 0 || mk[0] >= m.spec().size() || m.spec().layer(mk[0]).weightCount() != mk[1])
                throw new IllegalArgumentException("checkpoint mask does not fit layer " + mk[0]);
        }
        for (int l = 0; l < m.spec().size(); l++) m.setMask(l, null);
        m.setParamsArray(p.params);
        m.setRunningArray(false, p.mean);
        m.setRunningArray(true, p.var);
        for (int i = 0; i < p.maskLayers.length; i++) m.setMask(p.maskLayers[i][0], p.masks[i]);
    }

    private record Parsed(String model, double width, String arch, int epoch, String config, float[] params,
                          float[] mean, float[] var, float[] velocity, int[][] maskLayers, boolean[][] masks) { }

    private static Parsed parse(Path file) {
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new org.emomc4j.util.UserError("checkpoint " + file + " does not exist");
        } catch (IOException e) {
            throw new org.emomc4j.util.UserError("cannot read checkpoint " + file + ": " + e.getMessage());
        }
        int n = all.length;
        if (n < MAGIC.length + 4 || !startsWith(all, MAGIC, 0))
            throw bad(file, "not an emomc4j checkpoint (bad magic)");
        ByteBuffer bb = ByteBuffer.wrap(all);
        int version = bb.getInt(MAGIC.length);
        if (version != VERSION) throw bad(file, "format version " + version + ", this build reads version " + VERSION);
        if (n < MAGIC.length + 4 + 16 || !startsWith(all, END, n - END.length))
            throw bad(file, "truncated (end marker missing)");
        CRC32 crc = new CRC32();
        crc.update(all, 0, n - 16);
        if (bb.getLong(n - 16) != crc.getValue()) throw bad(file, "checksum mismatch (file corrupted)");
        try {
            bb.position(MAGIC.length + 4);
            bb.limit(n - 16);
            String model = string(bb);
            double width = bb.getDouble();
            String arch = string(bb);
            int epoch = bb.getInt();
            String config = string(bb);
            float[] params = floats(bb, -1);
            float[] mean = floats(bb, -1);
            float[] var = floats(bb, mean.length);
            byte hv = bb.get();
            float[] vel = hv == 1 ? floats(bb, params.length) : null;
            if (hv != 0 && hv != 1) throw new IllegalStateException("bad velocity flag");
            int masked = bb.getInt();
            if (masked < 0 || masked > 10_000) throw new IllegalStateException("bad mask count");
            int[][] ml = new int[masked][];
            boolean[][] ms = new boolean[masked][];
            for (int i = 0; i < masked; i++) {
                int layer = bb.getInt(), len = bb.getInt();
                if (len < 0 || (len + 7) / 8 > bb.remaining()) throw new IllegalStateException("bad mask length");
                byte[] bits = new byte[(len + 7) / 8];
                bb.get(bits);
                boolean[] k = new boolean[len];
                for (int j = 0; j < len; j++) k[j] = (bits[j >> 3] >> (j & 7) & 1) != 0;
                ml[i] = new int[]{layer, len};
                ms[i] = k;
            }
            if (bb.remaining() != 0) throw new IllegalStateException(bb.remaining() + " unexpected trailing bytes");
            return new Parsed(model, width, arch, epoch, config, params, mean, var, vel, ml, ms);
        } catch (BufferUnderflowException | IllegalStateException | NegativeArraySizeException e) {
            throw bad(file, "malformed content (" + e.getMessage() + ")");
        }
    }

    private static IllegalArgumentException bad(Path file, String why) {
        return new org.emomc4j.util.UserError("checkpoint " + file + " refused: " + why);
    }

    private static boolean startsWith(byte[] a, byte[] m, int at) {
        if (at < 0 || at + m.length > a.length) return false;
        for (int i = 0; i < m.length; i++) if (a[at + i] != m[i]) return false;
        return true;
    }

    private static void string(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String string(ByteBuffer bb) {
        int len = bb.getInt();
        if (len < 0 || len > bb.remaining()) throw new IllegalStateException("bad string length");
        byte[] b = new byte[len];
        bb.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static void floats(DataOutputStream out, float[] v, boolean withLength) throws IOException {
        if (withLength) out.writeLong(v.length);
        ByteBuffer bb = ByteBuffer.allocate(v.length * 4);
        bb.asFloatBuffer().put(v);
        out.write(bb.array());
    }

    /** Reads a float array; expected >= 0 means the length is implied (no length field). */
    private static float[] floats(ByteBuffer bb, int expected) {
        long len = expected >= 0 ? expected : bb.getLong();
        if (len < 0 || len * 4 > bb.remaining()) throw new IllegalStateException("bad array length " + len);
        float[] v = new float[(int) len];
        bb.asFloatBuffer().get(v);
        bb.position(bb.position() + (int) len * 4);
        return v;
    }
}
