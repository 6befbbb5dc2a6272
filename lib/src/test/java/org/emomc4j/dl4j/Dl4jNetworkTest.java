package org.emomc4j.dl4j;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.emomc4j.compress.CompressionPlan;
import org.emomc4j.compress.prune.MagnitudePruning;
import org.emomc4j.data.BatchLoader;
import org.emomc4j.data.ImageSet;
import org.emomc4j.nn.Model;
import org.emomc4j.nn.NetworkParameters;
import org.emomc4j.nn.NetworkSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** Weights both ways between our engine and DL4J. */
class Dl4jNetworkTest {

    @TempDir
    Path tmp;

    /** A small VGG with every parameter random (BatchNorm statistics too), so no layout error hides behind a 0 or a 1. */
    static Model randomVgg(String model, double width, long seed) {
        Model m = Model.create(NetworkSpec.vgg(model, width), seed);
        Random r = new Random(seed);
        List<NetworkParameters.Layer> out = new ArrayList<>();
        for (NetworkParameters.Layer x : NetworkParameters.read(m)) {
            if (x.gamma() != null)
                out.add(new NetworkParameters.Layer(x.weights(), rnd(r, x.gamma().length, 0.5f, 1.5f), rnd(r, x.beta().length, -0.5f, 0.5f),
                        rnd(r, x.mean().length, -0.3f, 0.3f), rnd(r, x.var().length, 0.5f, 2f), null));
            else out.add(new NetworkParameters.Layer(x.weights(), null, null, null, null, rnd(r, x.bias().length, -0.2f, 0.2f)));
        }
        NetworkParameters.write(m, out);
        return m;
    }

    private static float[] rnd(Random r, int n, float lo, float hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = lo + (hi - lo) * r.nextFloat();
        return v;
    }

    /** max |a - b| after centring each row: logits are defined up to a constant per image under softmax. */
    static double maxCentredDifference(float[][] ours, INDArray probs) {
        double max = 0;
        for (int i = 0; i < ours.length; i++) {
            double mo = 0, md = 0;
            double[] d = new double[ours[i].length];
            for (int k = 0; k < d.length; k++) {
                d[k] = Math.log(probs.getDouble(i, k));
                mo += ours[i][k];
                md += d[k];
            }
            mo /= d.length;
            md /= d.length;
            for (int k = 0; k < d.length; k++) max = Math.max(max, Math.abs((ours[i][k] - mo) - (d[k] - md)));
        }
        return max;
    }

    @Test
    void dl4jVggComputesOurLogits() {
        Model m = randomVgg("vgg11", 1.0 / 8, 3);
        Dl4jNetwork d = Dl4jNetwork.fromModel(m);
        INDArray x = new BatchLoader(ImageSet.random(16, 5), 16, false, 0).batch(0, 0).features();
        float[][] ours = m.logits(x);
        double diff = maxCentredDifference(ours, d.output(Dl4jImages.nchw(x)));
        assertTrue(diff <= 1e-3, "max |logit difference| " + diff);
        // The comparison can fail: a single transposed FC row shows up.
        float[] w = d.weights(8);
        float t = w[0]; w[0] = w[w.length - 1]; w[w.length - 1] = t;
        d.setWeights(8, w);
        assertTrue(maxCentredDifference(ours, d.output(Dl4jImages.nchw(x))) > 1e-3);
    }

    @Test
    void aVggWrittenInDl4jRunsInOurEngine() {
        // Conv biases (folded into the BatchNorm mean), log10-std BatchNorm storage, 'Same' mode, ReLU layers.
        MultiLayerNetwork net = new MultiLayerNetwork(Dl4jArchitectureTest.narrowVgg11());
        net.init();
        Random r = new Random(9);
        for (var e : net.paramTable().entrySet()) {
            String k = e.getKey();
            if (k.endsWith("_b") || k.endsWith("_beta") || k.endsWith("_mean") || k.endsWith("_log10stdev") || k.endsWith("_gamma")) {
                float[] v = rnd(r, (int) e.getValue().length(), k.endsWith("_gamma") ? 0.5f : -0.3f, k.endsWith("_gamma") ? 1.5f : 0.3f);
                net.setParam(k, org.nd4j.linalg.factory.Nd4j.create(v, e.getValue().shape(), 'c'));
            }
        }
        Dl4jNetwork d = Dl4jNetwork.of(net, Dl4jArchitecture.CIFAR10, null);
        Model m = d.toModel();
        assertEquals("vgg11-w0.125", m.spec().id());
        INDArray x = new BatchLoader(ImageSet.random(16, 6), 16, false, 0).batch(0, 0).features();
        double diff = maxCentredDifference(m.logits(x), d.output(Dl4jImages.nchw(x)));
        assertTrue(diff <= 1e-3, "max |logit difference| " + diff);
    }

    @Test
    void checkpointToDl4jAndBackIsBitIdentical() throws Exception {
        Model m = randomVgg("vgg16", 1.0 / 16, 7);
        Path a = tmp.resolve("a.ckpt"), b = tmp.resolve("b.ckpt"), zip = tmp.resolve("m.zip");
        m.save(a);
        Dl4jNetwork.fromModel(m).save(zip);
        Dl4jNetwork back = Dl4jNetwork.load(zip, Dl4jArchitecture.CIFAR10, null);
        assertTrue(back.architecture().engineRuns());
        back.toModel().save(b);
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    }

    @Test
    void lenetIsPricedButNotRunByTheEngine() throws Exception {
        MultiLayerNetwork net = new MultiLayerNetwork(Dl4jArchitectureTest.lenet5());
        net.init();
        Dl4jNetwork d = Dl4jNetwork.of(net, Dl4jArchitecture.CIFAR10, "lenet5");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, d::toModel);
        assertTrue(e.getMessage().contains("3x3"), e.getMessage());
        // Our layout and back is the identity, for every layer including the flattened one.
        for (int l = 0; l < d.spec().size(); l++) {
            float[] w = d.weights(l);
            d.setWeights(l, w);
            assertArrayEquals(w, d.weights(l));
        }
        Path zip = tmp.resolve("lenet.zip");
        d.save(zip);
        Dl4jNetwork back = Dl4jNetwork.load(zip, Dl4jArchitecture.CIFAR10, "lenet5");
        for (int l = 0; l < d.spec().size(); l++) assertArrayEquals(d.weights(l), back.weights(l));
    }

    @Test
    void computationGraphWeightsSurviveTheZip() {
        var conf = new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder().seed(3).graphBuilder().addInputs("in")
                .addLayer("c1", new org.deeplearning4j.nn.conf.layers.ConvolutionLayer.Builder(5, 5).nOut(6).build(), "in")
                .addLayer("p1", new org.deeplearning4j.nn.conf.layers.SubsamplingLayer.Builder(
                        org.deeplearning4j.nn.conf.layers.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build(), "c1")
                .addLayer("out", new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder().nOut(10)
                        .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build(), "p1")
                .setOutputs("out").setInputTypes(org.deeplearning4j.nn.conf.inputs.InputType.convolutional(32, 32, 3)).build();
        var g = new org.deeplearning4j.nn.graph.ComputationGraph(conf);
        g.init();
        Dl4jNetwork d = Dl4jNetwork.of(g, Dl4jArchitecture.CIFAR10, "g");
        Path zip = tmp.resolve("g.zip");
        d.save(zip);
        Dl4jNetwork back = Dl4jNetwork.load(zip, Dl4jArchitecture.CIFAR10, "g");
        assertTrue(back.network() instanceof org.deeplearning4j.nn.graph.ComputationGraph);
        for (int l = 0; l < d.spec().size(); l++) assertArrayEquals(d.weights(l), back.weights(l));
        INDArray x = Dl4jImages.nchw(new BatchLoader(ImageSet.random(4, 2), 4, false, 0).batch(0, 0).features());
        assertEquals(d.output(x), back.output(x));
        assertEquals(d.accuracy(ImageSet.random(20, 3), 10), back.accuracy(ImageSet.random(20, 3), 10), 0.0);
    }

    @Test
    void compressedNetworkHasThePlansZerosAndLevels() {
        MultiLayerNetwork net = new MultiLayerNetwork(Dl4jArchitectureTest.lenet5());
        net.init();
        Dl4jNetwork d = Dl4jNetwork.of(net, Dl4jArchitecture.CIFAR10, "lenet5");
        int[] bits = {8, 4, 2, 8, 6};
        double r = 0.37;
        Dl4jNetwork c = d.compressed(CompressionPlan.of(r, bits));
        for (int l = 0; l < bits.length; l++) {
            float[] src = d.weights(l), w = c.weights(l);
            int pruned = MagnitudePruning.prunedCount(w.length, r);
            assertEquals(Math.round(w.length * (1 - r)), pruned);
            // The pruned positions are the round(n(1-r)) smallest |w|: all exactly zero, none larger than a kept weight.
            float maxPruned = 0, minKept = Float.POSITIVE_INFINITY;
            int zeros = 0;
            Set<Float> distinct = new HashSet<>();
            for (int i = 0; i < w.length; i++) {
                if (w[i] == 0f) { zeros++; maxPruned = Math.max(maxPruned, Math.abs(src[i])); }
                else minKept = Math.min(minKept, Math.abs(src[i]));
                distinct.add(w[i]);
            }
            assertTrue(zeros >= pruned, "layer " + l + ": " + zeros + " zeros");
            if (bits[l] == 8) assertEquals(pruned, zeros, "layer " + l + " (8 bits round nothing else to zero)");
            assertTrue(maxPruned <= minKept, "layer " + l);
            assertTrue(distinct.size() <= 1 << bits[l], "layer " + l + ": " + distinct.size() + " values");
        }
        // The source network is untouched.
        int zeros = 0;
        for (float v : d.weights(2)) if (v == 0f) zeros++;
        assertEquals(0, zeros);
    }
}
