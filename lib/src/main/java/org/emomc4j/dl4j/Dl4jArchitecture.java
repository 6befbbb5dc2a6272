package org.emomc4j.dl4j;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Convolution2D;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.Pooling2D;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.emomc4j.nn.LayerSpec;
import org.emomc4j.nn.NetworkSpec;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A DL4J network configuration read as the paper's network: its {@link NetworkSpec} (per-layer
 * shapes, weight counts and MACs, all the cost models need, no weights) and where each
 * compressible layer's weights live in the DL4J parameter table.
 *
 * <p>Accepted layers: convolution (2-D, square kernel), batch normalization, subsampling (max or
 * average), activation, dropout, dense and output layers, in a chain (a
 * {@link MultiLayerConfiguration}, or a {@link ComputationGraphConfiguration} whose vertices are
 * layers each fed by the one before). Anything else is refused with its name and position.
 *
 * <p>When the network is the reference VGG of this toolkit (3x3 convolutions, each followed by
 * BatchNorm and a ReLU activation layer, 2x2 max-pools, one output layer, 32x32x3 input, 10 classes), the spec
 * is {@link NetworkSpec#vgg} itself and our engine can run it ({@link #engineRefusal()} empty);
 * otherwise only DL4J can, and the refusal says why.
 */
public final class Dl4jArchitecture {

    /** The CIFAR-10 input every command assumes unless told otherwise. */
    public static final InputType CIFAR10 = InputType.convolutional(32, 32, 3);

    /**
     * One DL4J layer of the chain.
     *
     * @param position 0-based position in the chain (the layer index of a MultiLayerNetwork)
     * @param name     DL4J layer name (or the vertex name of a ComputationGraph)
     * @param prefix   parameter-table key prefix, e.g. {@code "3_"} or {@code "conv1_"}
     * @param in       input type after the layer's preprocessor
     * @param out      output type
     */
    record Node(int position, String name, String prefix, Layer layer, InputType in, InputType out) {
        String type() { return layer.getClass().getSimpleName(); }
    }

    /**
     * Where a compressible layer's weights are.
     *
     * @param node      the DL4J layer
     * @param flattened for a dense layer fed by a flattened NCHW map: {channels, height, width}
     *                  of that map (DL4J's rows are in c,h,w order, ours in h,w,c), else null
     */
    record Compressible(Node node, int[] flattened) {
        String weightKey() { return node.prefix() + "W"; }
        String biasKey() { return node.prefix() + "b"; }
    }

    /** A conv block of the VGG form: convolution, then batch norm (ReLU after it). */
    record VggBlock(Node conv, Node bn) { }

    private final NetworkSpec spec;
    private final List<Node> nodes;
    private final List<Compressible> compressible;
    private final List<VggBlock> vgg;
    private final String engineRefusal;

    private Dl4jArchitecture(NetworkSpec spec, List<Node> nodes, List<Compressible> compressible, List<VggBlock> vgg,
                             String engineRefusal) {
        this.spec = spec;
        this.nodes = List.copyOf(nodes);
        this.compressible = List.copyOf(compressible);
        this.vgg = vgg == null ? null : List.copyOf(vgg);
        this.engineRefusal = engineRefusal;
    }

    /** Reads a MultiLayerNetwork configuration fed with images of {@code input} (e.g. {@link #CIFAR10}). */
    public static Dl4jArchitecture of(MultiLayerConfiguration conf, InputType input, String model) {
        List<Node> nodes = new ArrayList<>();
        InputType t = input;
        for (int i = 0; i < conf.getConfs().size(); i++) {
            Layer layer = conf.getConf(i).getLayer();
            InputPreProcessor pp = conf.getInputPreProcess(i);
            if (pp != null) t = pp.getOutputType(t);
            String name = layer.getLayerName() == null ? "layer" + i : layer.getLayerName();
            InputType out = outputType(layer, i, name, t);
            nodes.add(new Node(i, name, i + "_", layer, t, out));
            t = out;
        }
        return build(nodes, input, model);
    }

    /** Reads a ComputationGraph configuration that is a chain of layers from one input. */
    public static Dl4jArchitecture of(ComputationGraphConfiguration conf, InputType input, String model) {
        if (conf.getNetworkInputs().size() != 1 || conf.getNetworkOutputs().size() != 1)
            throw new org.emomc4j.util.UserError("the graph has " + conf.getNetworkInputs().size() + " inputs and "
                    + conf.getNetworkOutputs().size() + " outputs: only a chain from one input to one output is supported");
        Map<String, GraphVertex> vertices = conf.getVertices();
        Map<String, List<String>> inputs = conf.getVertexInputs();
        List<Node> nodes = new ArrayList<>();
        String prev = conf.getNetworkInputs().get(0);
        InputType t = input;
        Set<String> seen = new java.util.HashSet<>();
        while (true) {
            List<String> next = new ArrayList<>();
            for (Map.Entry<String, List<String>> e : inputs.entrySet())
                if (e.getValue().contains(prev)) next.add(e.getKey());
            if (next.isEmpty()) break;
            int pos = nodes.size();
            if (next.size() > 1)
                throw new org.emomc4j.util.UserError("vertex '" + prev + "' (position " + (pos - 1) + ") feeds " + next
                        + ": only a chain of layers is supported, not branches");
            String name = next.get(0);
            if (!seen.add(name)) throw new org.emomc4j.util.UserError("vertex '" + name + "' is part of a cycle");
            GraphVertex v = vertices.get(name);
            if (inputs.get(name).size() != 1 || !(v instanceof LayerVertex lv))
                throw new org.emomc4j.util.UserError("unsupported vertex '" + name + "' (" + v.getClass().getSimpleName()
                        + ") at position " + pos + ": only layer vertices with one input are supported");
            if (lv.getPreProcessor() != null) t = lv.getPreProcessor().getOutputType(t);
            Layer layer = lv.getLayerConf().getLayer();
            InputType out = outputType(layer, pos, name, t);
            nodes.add(new Node(pos, name, name + "_", layer, t, out));
            t = out;
            prev = name;
        }
        if (!prev.equals(conf.getNetworkOutputs().get(0)))
            throw new org.emomc4j.util.UserError("the chain from the input ends at '" + prev + "', not at the output '"
                    + conf.getNetworkOutputs().get(0) + "'");
        return build(nodes, input, model);
    }

    private static InputType outputType(Layer layer, int pos, String name, InputType in) {
        check(layer, pos, name);
        try {
            return layer.getOutputType(pos, in);
        } catch (RuntimeException e) {
            throw new org.emomc4j.util.UserError("layer '" + name + "' at position " + pos + " does not accept input "
                    + in + ": " + e.getMessage());
        }
    }

    /** Refuses a layer type the cost models cannot price, naming it and its position. */
    private static void check(Layer layer, int pos, String name) {
        Class<?> c = layer.getClass();
        boolean ok = c == ConvolutionLayer.class || c == Convolution2D.class || c == BatchNormalization.class
                || c == SubsamplingLayer.class || c == Pooling2D.class || c == ActivationLayer.class
                || c == DropoutLayer.class || c == DenseLayer.class || c == OutputLayer.class;
        if (!ok)
            throw new org.emomc4j.util.UserError("unsupported layer type " + c.getSimpleName() + " ('" + name + "') at position "
                    + pos + ": supported are ConvolutionLayer, BatchNormalization, SubsamplingLayer, ActivationLayer, "
                    + "DropoutLayer, DenseLayer and OutputLayer");
        if (layer instanceof SubsamplingLayer s && s.getPoolingType() != PoolingType.MAX && s.getPoolingType() != PoolingType.AVG)
            throw new org.emomc4j.util.UserError("unsupported pooling " + s.getPoolingType() + " ('" + name + "') at position " + pos);
    }

    private static Dl4jArchitecture build(List<Node> nodes, InputType input, String model) {
        if (!(input instanceof InputType.InputTypeConvolutional img))
            throw new org.emomc4j.util.UserError("input must be images (InputType.convolutional), got " + input);
        if (img.getHeight() != img.getWidth())
            throw new org.emomc4j.util.UserError("input must be square images, got " + img.getHeight() + "x" + img.getWidth());
        List<LayerSpec> layers = new ArrayList<>();
        List<Compressible> comp = new ArrayList<>();
        int convs = 0, fcs = 0;
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            if (n.layer() instanceof ConvolutionLayer cl) {
                InputType.InputTypeConvolutional in = (InputType.InputTypeConvolutional) n.in();
                InputType.InputTypeConvolutional out = (InputType.InputTypeConvolutional) n.out();
                int[] k = cl.getKernelSize();
                if (k[0] != k[1])
                    throw new org.emomc4j.util.UserError("layer '" + n.name() + "' at position " + n.position() + " has a "
                            + k[0] + "x" + k[1] + " kernel: the cost models need square kernels");
                boolean pool = poolFollows(nodes, i);
                String name = cl.getLayerName() != null ? cl.getLayerName() : "conv" + convs;
                convs++;
                layers.add(new LayerSpec(layers.size(), name, LayerSpec.Kind.CONV, k[0], (int) in.getChannels(),
                        (int) out.getChannels(), 1, (int) in.getHeight(), (int) in.getWidth(), (int) out.getHeight(),
                        (int) out.getWidth(), pool));
                comp.add(new Compressible(n, null));
            } else if (n.layer() instanceof DenseLayer || n.layer() instanceof OutputLayer) {
                org.deeplearning4j.nn.conf.layers.FeedForwardLayer f = (org.deeplearning4j.nn.conf.layers.FeedForwardLayer) n.layer();
                String name = f.getLayerName() != null ? f.getLayerName() : "fc" + fcs;
                fcs++;
                layers.add(new LayerSpec(layers.size(), name, LayerSpec.Kind.FC, 1, (int) f.getNIn(), (int) f.getNOut(),
                        1, 1, 1, 1, 1, false));
                comp.add(new Compressible(n, flattenedNchw(nodes, i)));
            }
        }
        if (layers.isEmpty()) throw new org.emomc4j.util.UserError("the network has no convolution or dense layer to compress");
        Node last = nodes.get(nodes.size() - 1);
        int classes = last.out() instanceof InputType.InputTypeFeedForward ff ? (int) ff.getSize() : layers.get(layers.size() - 1).outChannels();
        if (model == null || model.isBlank()) model = "dl4j";
        NetworkSpec own = new NetworkSpec(model, 1.0, (int) img.getChannels(), (int) img.getHeight(), classes, layers);

        String refusal;
        List<VggBlock> blocks = new ArrayList<>();
        NetworkSpec vggSpec = null;
        refusal = vggForm(nodes, blocks);
        if (refusal == null) {
            vggSpec = matchingVgg(own);
            if (vggSpec == null) refusal = "the layer shapes are not those of a VGG-11/13/16/19 at some width on 32x32x3 CIFAR-10";
        }
        return refusal == null ? new Dl4jArchitecture(vggSpec, nodes, comp, blocks, null)
                : new Dl4jArchitecture(own, nodes, comp, null, refusal);
    }

    /** Whether a 2x2 stride-2 max-pool follows convolution {@code i}, after its BatchNorm/activation/dropout layers. */
    private static boolean poolFollows(List<Node> nodes, int i) {
        for (int j = i + 1; j < nodes.size(); j++) {
            Layer l = nodes.get(j).layer();
            if (l instanceof BatchNormalization || l instanceof ActivationLayer || l instanceof DropoutLayer) continue;
            return l instanceof SubsamplingLayer s && isMaxPool2(s);
        }
        return false;
    }

    private static boolean isMaxPool2(SubsamplingLayer s) {
        return s.getPoolingType() == PoolingType.MAX && s.getKernelSize()[0] == 2 && s.getKernelSize()[1] == 2
                && s.getStride()[0] == 2 && s.getStride()[1] == 2 && s.getPadding()[0] == 0 && s.getPadding()[1] == 0;
    }

    /** {C, H, W} of the NCHW map a dense layer flattens, or null when its input is not a flattened NCHW map. */
    private static int[] flattenedNchw(List<Node> nodes, int i) {
        for (int j = i - 1; j >= 0; j--) {
            Node p = nodes.get(j);
            if (p.layer() instanceof DropoutLayer && !(p.out() instanceof InputType.InputTypeConvolutional)) continue;
            if (p.out() instanceof InputType.InputTypeConvolutional c) {
                if (c.getFormat() == CNN2DFormat.NHWC) return null; // flattened h,w,c: already our order
                return new int[]{(int) c.getChannels(), (int) c.getHeight(), (int) c.getWidth()};
            }
            return null;
        }
        return null;
    }

    /** Null when the chain is conv-BN-ReLU[-maxpool] blocks then one softmax output layer; otherwise why not. */
    private static String vggForm(List<Node> all, List<VggBlock> blocks) {
        List<Node> nodes = all.stream().filter(n -> !(n.layer() instanceof DropoutLayer)).toList();
        int i = 0;
        while (i < nodes.size() && nodes.get(i).layer() instanceof ConvolutionLayer) {
            Node conv = nodes.get(i);
            ConvolutionLayer cl = (ConvolutionLayer) conv.layer();
            InputType.InputTypeConvolutional in = (InputType.InputTypeConvolutional) conv.in(), out = (InputType.InputTypeConvolutional) conv.out();
            if (cl.getKernelSize()[0] != 3 || cl.getStride()[0] != 1 || cl.getStride()[1] != 1 || cl.getDilation()[0] != 1
                    || cl.getDilation()[1] != 1 || in.getHeight() != out.getHeight() || in.getWidth() != out.getWidth())
                return at(conv, "our engine runs 3x3 stride-1 'same' convolutions only");
            if (!(cl.getActivationFn() instanceof ActivationIdentity))
                return at(conv, "the engine applies BatchNorm before the activation; this convolution has activation " + cl.getActivationFn());
            if (i + 1 >= nodes.size() || !(nodes.get(i + 1).layer() instanceof BatchNormalization bn))
                return at(conv, "every convolution must be followed by BatchNormalization in the engine's VGG");
            if (bn.isLockGammaBeta()) return at(nodes.get(i + 1), "locked gamma/beta are not supported by the engine");
            blocks.add(new VggBlock(conv, nodes.get(i + 1)));
            i += 2;
            // DL4J's BatchNormalization ignores its activation function, so the ReLU is a layer of its own.
            if (i >= nodes.size() || !(nodes.get(i).layer() instanceof ActivationLayer a) || !(a.getActivationFn() instanceof ActivationReLU))
                return at(nodes.get(i - 1), "batch norm must be followed by a ReLU ActivationLayer");
            i++;
            if (i < nodes.size() && nodes.get(i).layer() instanceof SubsamplingLayer s) {
                if (!isMaxPool2(s)) return at(nodes.get(i), "the engine pools with 2x2 stride-2 max-pooling only");
                i++;
            }
        }
        if (blocks.isEmpty()) return "the network does not start with a convolution block";
        if (i != nodes.size() - 1 || !(nodes.get(i).layer() instanceof OutputLayer o))
            return i < nodes.size() ? at(nodes.get(i), "the engine's VGG ends with the conv blocks and one output layer")
                    : "the network has no output layer";
        IActivation act = o.getActivationFn();
        if (!(act instanceof ActivationSoftmax)) return at(nodes.get(i), "the output layer must use softmax, not " + act);
        return null;
    }

    private static String at(Node n, String why) {
        return "layer '" + n.name() + "' (" + n.type() + ", position " + n.position() + "): " + why;
    }

    private static NetworkSpec matchingVgg(NetworkSpec own) {
        if (own.inputChannels() != 3 || own.inputSize() != 32 || own.numClasses() != 10) return null;
        double width = own.layer(0).outChannels() / 64.0;
        if (!(width > 0 && width <= 1)) return null;
        for (String m : List.of("vgg11", "vgg13", "vgg16", "vgg19")) {
            NetworkSpec v = NetworkSpec.vgg(m, width);
            if (v.size() != own.size()) continue;
            boolean same = true;
            for (int l = 0; l < v.size() && same; l++) same = sameShape(v.layer(l), own.layer(l));
            if (same) return v;
        }
        return null;
    }

    /** Equal in everything the cost models and the engine use (the name aside). */
    static boolean sameShape(LayerSpec a, LayerSpec b) {
        return a.kind() == b.kind() && a.kernel() == b.kernel() && a.inChannels() == b.inChannels()
                && a.outChannels() == b.outChannels() && a.groups() == b.groups() && a.inH() == b.inH() && a.inW() == b.inW()
                && a.outH() == b.outH() && a.outW() == b.outW() && a.poolAfter() == b.poolAfter();
    }

    /** The network as the cost models and the search see it. */
    public NetworkSpec spec() { return spec; }

    /** Empty when our engine runs this network; otherwise the reason it does not. */
    public Optional<String> engineRefusal() { return Optional.ofNullable(engineRefusal); }

    /** Whether our engine runs this network (then {@link #spec()} is a {@link NetworkSpec#vgg} spec). */
    public boolean engineRuns() { return engineRefusal == null; }

    List<Node> nodes() { return nodes; }

    List<Compressible> compressible() { return compressible; }

    List<VggBlock> vggBlocks() { return Objects.requireNonNull(vgg, "not a VGG form"); }

    /** One line per DL4J layer: position, name, type, output shape. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (Node n : nodes)
            sb.append(String.format(java.util.Locale.ROOT, "%3d %-12s %-20s %s%n", n.position(), n.name(), n.type(), n.out()));
        return sb.toString();
    }
}
