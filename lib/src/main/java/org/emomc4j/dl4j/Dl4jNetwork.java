package org.emomc4j.dl4j;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.emomc4j.compress.CompressionPlan;
import org.emomc4j.compress.ReferenceCompression;
import org.emomc4j.data.ImageSet;
import org.emomc4j.nn.LayerSpec;
import org.emomc4j.nn.NetworkParameters;
import org.emomc4j.nn.NetworkSpec;
import org.emomc4j.nn.WeightTransform;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A DL4J network ({@link MultiLayerNetwork} or {@link ComputationGraph}) seen as the paper's
 * network: its {@link Dl4jArchitecture} (spec, costs) and its compressible weights in our
 * engine's layout, so the same compression code (pruning, quantization) applies to both.
 *
 * <p>Layouts: DL4J convolution weights are [out, in, kh, kw] on NCHW maps, ours [kh, kw, in, out]
 * (HWIO) on NHWC maps; a dense layer after a flatten sees DL4J's features in (c, h, w) order and
 * ours in (h, w, c) order, so its weight rows are permuted. BatchNorm gamma, beta, mean and
 * variance map one to one (the exported layers store the variance, not DL4J's default
 * log10 standard deviation, so values survive a round trip bit for bit).
 *
 * <p>Not thread-safe (DL4J networks are not).
 */
public final class Dl4jNetwork {

    private final Model net;
    private final Dl4jArchitecture arch;

    private Dl4jNetwork(Model net, Dl4jArchitecture arch) {
        this.net = net;
        this.arch = arch;
    }

    /** A MultiLayerNetwork fed with {@code input} images (e.g. {@link Dl4jArchitecture#CIFAR10}). */
    public static Dl4jNetwork of(MultiLayerNetwork net, InputType input, String model) {
        return new Dl4jNetwork(net, Dl4jArchitecture.of(net.getLayerWiseConfigurations(), input, model));
    }

    /** A ComputationGraph (a chain of layers) fed with {@code input} images. */
    public static Dl4jNetwork of(ComputationGraph net, InputType input, String model) {
        return new Dl4jNetwork(net, Dl4jArchitecture.of(net.getConfiguration(), input, model));
    }

    // ------------------------------------------------------------------ engine <-> DL4J

    /** The DL4J configuration of an engine VGG spec: conv(3x3, no bias) - BN - ReLU [- max-pool 2x2] ..., softmax output. */
    public static MultiLayerConfiguration vggConfiguration(NetworkSpec spec, long seed) {
        NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.FLOAT)
                .weightInit(WeightInit.RELU).updater(new Nesterovs(0.01, 0.9)).list();
        for (LayerSpec l : spec.layers()) {
            if (l.isConv()) {
                if (l.kernel() != 3 || l.inH() != l.outH()) throw new IllegalArgumentException("not a VGG layer: " + l);
                b.layer(new ConvolutionLayer.Builder(3, 3).stride(1, 1).padding(1, 1).convolutionMode(ConvolutionMode.Truncate)
                        .nOut(l.outChannels()).hasBias(false).activation(Activation.IDENTITY).name(l.name()).build());
                b.layer(new BatchNormalization.Builder().eps(org.emomc4j.nn.Model.BN_EPS).decay(1 - org.emomc4j.nn.Model.BN_MOMENTUM)
                        .useLogStd(false).activation(Activation.IDENTITY).nOut(l.outChannels()).name(l.name() + "_bn").build());
                // DL4J's BatchNormalization ignores its activation function: the ReLU is a layer.
                b.layer(new ActivationLayer.Builder().activation(Activation.RELU).name(l.name() + "_relu").build());
                if (l.poolAfter())
                    b.layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).name(l.name() + "_pool").build());
            } else {
                b.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                        .nOut(l.outChannels()).name(l.name()).build());
            }
        }
        return b.setInputType(InputType.convolutional(spec.inputSize(), spec.inputSize(), spec.inputChannels())).build();
    }

    /** A DL4J network with exactly the parameters and BatchNorm statistics of an engine network. */
    public static Dl4jNetwork fromModel(org.emomc4j.nn.Model m) {
        NetworkSpec spec = m.spec();
        MultiLayerNetwork net = new MultiLayerNetwork(vggConfiguration(spec, 0));
        net.init();
        Dl4jNetwork d = of(net, InputType.convolutional(spec.inputSize(), spec.inputSize(), spec.inputChannels()), spec.model());
        if (!d.arch.engineRuns() || !d.spec().id().equals(spec.id()))
            throw new IllegalStateException("DL4J VGG of " + spec.id() + " read back as " + d.spec().id()
                    + d.arch.engineRefusal().map(r -> ": " + r).orElse(""));
        List<NetworkParameters.Layer> p = NetworkParameters.read(m);
        List<Dl4jArchitecture.VggBlock> blocks = d.arch.vggBlocks();
        for (int l = 0; l < spec.size(); l++) {
            NetworkParameters.Layer x = p.get(l);
            d.setWeights(l, x.weights());
            if (spec.layer(l).isConv()) {
                String bn = blocks.get(l).bn().prefix();
                d.set(bn + "gamma", x.gamma());
                d.set(bn + "beta", x.beta());
                d.set(bn + "mean", x.mean());
                d.set(bn + "var", x.var());
            } else {
                d.set(d.arch.compressible().get(l).biasKey(), x.bias());
            }
        }
        return d;
    }

    /**
     * This network in our engine, with its parameters (a convolution bias is folded into the
     * BatchNorm mean, another BatchNorm epsilon into the variance).
     *
     * @throws IllegalArgumentException with the reason when our engine does not run this architecture
     */
    public org.emomc4j.nn.Model toModel() {
        arch.engineRefusal().ifPresent(r -> {
            throw new org.emomc4j.util.UserError("our engine does not run this network: " + r);
        });
        NetworkSpec spec = arch.spec();
        List<Dl4jArchitecture.VggBlock> blocks = arch.vggBlocks();
        List<NetworkParameters.Layer> p = new ArrayList<>();
        for (int l = 0; l < spec.size(); l++) {
            float[] w = weights(l);
            if (spec.layer(l).isConv()) {
                Dl4jArchitecture.VggBlock b = blocks.get(l);
                String bn = b.bn().prefix();
                BatchNormalization conf = (BatchNormalization) b.bn().layer();
                float[] mean = get(bn + "mean"), var;
                if (conf.isUseLogStd()) {
                    float[] s = get(bn + "log10stdev");
                    var = new float[s.length];
                    for (int i = 0; i < s.length; i++) var[i] = (float) Math.pow(100.0, s[i]);
                } else {
                    var = get(bn + "var");
                }
                if (conf.getEps() != org.emomc4j.nn.Model.BN_EPS)
                    for (int i = 0; i < var.length; i++) var[i] = (float) (var[i] + conf.getEps() - org.emomc4j.nn.Model.BN_EPS);
                if (((ConvolutionLayer) b.conv().layer()).hasBias()) {
                    float[] bias = get(b.conv().prefix() + "b");
                    for (int i = 0; i < mean.length; i++) mean[i] -= bias[i];
                }
                p.add(new NetworkParameters.Layer(w, get(bn + "gamma"), get(bn + "beta"), mean, var, null));
            } else {
                p.add(new NetworkParameters.Layer(w, null, null, null, null, get(arch.compressible().get(l).biasKey())));
            }
        }
        org.emomc4j.nn.Model m = org.emomc4j.nn.Model.create(spec, 0);
        NetworkParameters.write(m, p);
        return m;
    }

    // ------------------------------------------------------------------ compressible weights

    /** A copy of a compressible layer's weights in our layout ({@link LayerSpec#weightShape()}). */
    public float[] weights(int layer) {
        Dl4jArchitecture.Compressible c = arch.compressible().get(layer);
        LayerSpec s = arch.spec().layer(layer);
        float[] d = get(c.weightKey());
        float[] o = new float[d.length];
        if (s.isConv()) {
            permuteConv(d, o, s, true);
        } else {
            permuteRows(d, o, c.flattened(), s.outChannels(), true);
        }
        return o;
    }

    /** Replaces a compressible layer's weights, given in our layout. */
    public void setWeights(int layer, float[] values) {
        Dl4jArchitecture.Compressible c = arch.compressible().get(layer);
        LayerSpec s = arch.spec().layer(layer);
        if (values.length != s.weightCount())
            throw new IllegalArgumentException("layer " + s.name() + " has " + s.weightCount() + " weights, got " + values.length);
        float[] d = new float[values.length];
        if (s.isConv()) {
            permuteConv(values, d, s, false);
        } else {
            permuteRows(values, d, c.flattened(), s.outChannels(), false);
        }
        set(c.weightKey(), d);
    }

    /** Copies conv weights between DL4J's [out, in, kh, kw] and our [kh, kw, in, out]. */
    private static void permuteConv(float[] src, float[] dst, LayerSpec s, boolean dl4jToOurs) {
        int k = s.kernel(), ci = s.inChannels(), co = s.outChannels();
        for (int out = 0; out < co; out++)
            for (int in = 0; in < ci; in++)
                for (int kh = 0; kh < k; kh++)
                    for (int kw = 0; kw < k; kw++) {
                        int od = ((out * ci + in) * k + kh) * k + kw, oo = ((kh * k + kw) * ci + in) * co + out;
                        if (dl4jToOurs) dst[oo] = src[od];
                        else dst[od] = src[oo];
                    }
    }

    /**
     * Copies FC weight rows between DL4J's flatten order (c, h, w) and ours (h, w, c); a plain
     * copy when the layer is not fed by a flattened NCHW map.
     */
    private static void permuteRows(float[] src, float[] dst, int[] chw, int out, boolean dl4jToOurs) {
        if (chw == null) {
            System.arraycopy(src, 0, dst, 0, src.length);
            return;
        }
        int C = chw[0], H = chw[1], W = chw[2];
        for (int c = 0; c < C; c++)
            for (int h = 0; h < H; h++)
                for (int w = 0; w < W; w++) {
                    int rd = (c * H + h) * W + w, ro = (h * W + w) * C + c;
                    if (dl4jToOurs) System.arraycopy(src, rd * out, dst, ro * out, out);
                    else System.arraycopy(src, ro * out, dst, rd * out, out);
                }
    }

    /**
     * A copy of this network whose compressible weights are the plan's, exactly as the search and
     * {@code ./emomc eval} apply it ({@link ReferenceCompression#transform}): the round(n(1-r))
     * smallest |w| of each layer set to exactly zero, the rest quantized symmetrically to at most
     * 2^b values per layer. Biases and BatchNorm are left as they are.
     */
    public Dl4jNetwork compressed(CompressionPlan plan) {
        plan.requireLayers(arch.spec());
        Dl4jNetwork copy = copy();
        copy.apply(ReferenceCompression.transform(plan), this);
        return copy;
    }

    /** Sets this network's weights to {@code t} applied to {@code source}'s weights (same architecture). */
    void apply(WeightTransform t, Dl4jNetwork source) {
        for (int l = 0; l < arch.spec().size(); l++)
            setWeights(l, t.apply(arch.spec().layer(l), source.weights(l)));
    }

    /** An independent copy (parameters and configuration). */
    public Dl4jNetwork copy() {
        Model c = net instanceof MultiLayerNetwork m ? m.clone() : ((ComputationGraph) net).clone();
        return new Dl4jNetwork(c, arch);
    }

    private float[] get(String key) {
        INDArray a = net.getParam(key);
        if (a == null) throw new IllegalStateException("DL4J network has no parameter " + key);
        return a.dup('c').castTo(DataType.FLOAT).data().asFloat();
    }

    private void set(String key, float[] v) {
        INDArray a = net.getParam(key);
        if (a == null) throw new IllegalStateException("DL4J network has no parameter " + key);
        if (a.length() != v.length) throw new IllegalArgumentException(key + " has " + a.length() + " values, got " + v.length);
        a.assign(Nd4j.create(v, a.shape(), 'c').castTo(a.dataType()));
    }

    // ------------------------------------------------------------------ inference

    /** Softmax outputs [n, classes] of NCHW images, in inference mode. */
    public INDArray output(INDArray nchw) {
        return net instanceof MultiLayerNetwork m ? m.output(nchw, false) : ((ComputationGraph) net).outputSingle(false, nchw);
    }

    /** DL4J's own {@code evaluate} over a set (normalised as our engine normalises). */
    public Evaluation evaluate(ImageSet set, int batchSize) {
        Dl4jImages it = new Dl4jImages(set, batchSize);
        return net instanceof MultiLayerNetwork m ? m.evaluate(it) : ((ComputationGraph) net).evaluate(it);
    }

    /**
     * The predicted class of every image of a set, in order: the arg-max of DL4J's outputs, the rule
     * its {@code evaluate} counts top-1 hits by (per-image results for paired losses).
     */
    public int[] predictions(ImageSet set, int batchSize) {
        int[] out = new int[set.size()];
        int at = 0;
        Dl4jImages it = new Dl4jImages(set, batchSize);
        while (it.hasNext()) {
            INDArray am = Nd4j.argMax(output(it.next().getFeatures()), 1);
            for (int i = 0; i < am.length(); i++) out[at++] = am.getInt(i);
        }
        if (at != out.length) throw new IllegalStateException("DL4J predicted " + at + " of " + out.length + " images");
        return out;
    }

    /** Top-1 accuracy (fraction) by DL4J's {@code evaluate}. */
    public double accuracy(ImageSet set, int batchSize) {
        return set.size() == 0 ? 0 : evaluate(set, batchSize).accuracy();
    }

    // ------------------------------------------------------------------ files

    /** Writes a ModelSerializer zip (no updater state). */
    public void save(Path zip) {
        try {
            Path abs = zip.toAbsolutePath();
            if (abs.getParent() != null) Files.createDirectories(abs.getParent());
            Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
            ModelSerializer.writeModel(net, tmp.toFile(), false);
            Files.move(tmp, abs, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + zip + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a ModelSerializer zip (MultiLayerNetwork or ComputationGraph). Only
     * {@code configuration.json} and {@code coefficients.bin} are read; the updater state,
     * normalizer and the Java-serialized preprocessor that such zips may hold are ignored, so no
     * Java object deserialization happens on a file from someone else.
     */
    public static Dl4jNetwork load(Path zip, InputType input, String model) {
        if (!Files.isRegularFile(zip)) throw new org.emomc4j.util.UserError("DL4J model " + zip + " does not exist");
        String json;
        INDArray params;
        try (ZipFile z = new ZipFile(zip.toFile())) {
            ZipEntry conf = z.getEntry(ModelSerializer.CONFIGURATION_JSON), coef = z.getEntry(ModelSerializer.COEFFICIENTS_BIN);
            if (conf == null || coef == null)
                throw new org.emomc4j.util.UserError("DL4J model " + zip + " refused: not a ModelSerializer zip (needs "
                        + ModelSerializer.CONFIGURATION_JSON + " and " + ModelSerializer.COEFFICIENTS_BIN + ")");
            try (InputStream in = z.getInputStream(conf)) {
                json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            try (InputStream in = z.getInputStream(coef)) {
                params = Nd4j.read(new DataInputStream(new ByteArrayInputStream(in.readAllBytes())));
            }
        } catch (NoSuchFileException e) {
            throw new org.emomc4j.util.UserError("DL4J model " + zip + " does not exist");
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException iae && iae.getMessage().startsWith("DL4J model")) throw iae;
            throw new org.emomc4j.util.UserError("DL4J model " + zip + " refused: unreadable (" + e.getMessage() + ")");
        }
        Dl4jNetwork d;
        if (json.contains("\"vertices\"")) {
            ComputationGraphConfiguration c = parse(zip, () -> ComputationGraphConfiguration.fromJson(json));
            ComputationGraph g = new ComputationGraph(c);
            checkCount(zip, params, g.getConfiguration().getVertices().values().stream().mapToLong(v -> v.numParams(true)).sum());
            g.init(params.reshape(1, params.length()), false);
            d = of(g, input, model);
        } else {
            MultiLayerConfiguration c = parse(zip, () -> MultiLayerConfiguration.fromJson(json));
            MultiLayerNetwork m = new MultiLayerNetwork(c);
            checkCount(zip, params, c.getConfs().stream().mapToLong(x -> x.getLayer().initializer().numParams(x)).sum());
            m.init(params.reshape(1, params.length()), false);
            d = of(m, input, model);
        }
        return d;
    }

    private static <T> T parse(Path zip, java.util.function.Supplier<T> f) {
        try {
            return f.get();
        } catch (RuntimeException e) {
            throw new org.emomc4j.util.UserError("DL4J model " + zip + " refused: configuration.json is not a DL4J configuration ("
                    + e.getMessage() + ")");
        }
    }

    private static void checkCount(Path zip, INDArray params, long want) {
        if (params.length() != want)
            throw new org.emomc4j.util.UserError("DL4J model " + zip + " refused: coefficients.bin holds " + params.length()
                    + " values but the configuration needs " + want);
    }

    public Dl4jArchitecture architecture() { return arch; }

    public NetworkSpec spec() { return arch.spec(); }

    /** The DL4J network: a {@link MultiLayerNetwork} or a {@link ComputationGraph}. */
    public Model network() { return net; }
}
