package org.emomc4j.dl4j;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LocalResponseNormalization;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.emomc4j.compress.CompressionPlan;
import org.emomc4j.compress.coding.Coding;
import org.emomc4j.compress.coding.SizeModel;
import org.emomc4j.hw.Dataflow;
import org.emomc4j.hw.ReferenceEnergyModel;
import org.emomc4j.nn.LayerSpec;
import org.emomc4j.nn.NetworkSpec;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import static org.junit.jupiter.api.Assertions.*;

/** Specs from DL4J configurations: shapes, weights and MACs against hand-computed values. */
class Dl4jArchitectureTest {

    /** LeNet-5 on 32x32x3: conv 5x5 (6) - maxpool - conv 5x5 (16) - maxpool - 120 - 84 - 10. */
    static MultiLayerConfiguration lenet5() {
        return new NeuralNetConfiguration.Builder().seed(1).list()
                .layer(new ConvolutionLayer.Builder(5, 5).nOut(6).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(5, 5).nOut(16).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(120).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nOut(84).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(32, 32, 3)).build();
    }

    /**
     * A VGG-11 at width 1/8 written the way a DL4J user would: 'Same' convolutions with biases,
     * BatchNorm, then a separate ReLU layer.
     */
    static MultiLayerConfiguration narrowVgg11() {
        int[] plan = {8, 0, 16, 0, 32, 32, 0, 64, 64, 0, 64, 64, 0};
        NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder().seed(2).list();
        for (int c : plan) {
            if (c == 0) {
                b.layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build());
            } else {
                b.layer(new ConvolutionLayer.Builder(3, 3).convolutionMode(ConvolutionMode.Same).nOut(c).activation(Activation.IDENTITY).build());
                b.layer(new BatchNormalization.Builder().activation(Activation.IDENTITY).build());
                b.layer(new ActivationLayer.Builder().activation(Activation.RELU).build());
            }
        }
        b.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build());
        return b.setInputType(InputType.convolutional(32, 32, 3)).build();
    }

    @Test
    void lenet5ShapesWeightsAndMacs() {
        Dl4jArchitecture a = Dl4jArchitecture.of(lenet5(), Dl4jArchitecture.CIFAR10, "lenet5");
        NetworkSpec s = a.spec();
        assertEquals(5, s.size());
        long[] weights = {5 * 5 * 3 * 6, 5 * 5 * 6 * 16, 400 * 120, 120 * 84, 84 * 10};
        long[] macs = {5 * 5 * 3 * 6 * 28 * 28, 5 * 5 * 6 * 16 * 10 * 10, 400 * 120, 120 * 84, 84 * 10};
        for (int l = 0; l < 5; l++) {
            assertEquals(weights[l], s.layer(l).weightCount(), "weights of layer " + l);
            assertEquals(macs[l], s.layer(l).macs(), "MACs of layer " + l);
        }
        assertEquals(28, s.layer(0).outH());
        assertEquals(14, s.layer(1).inH());
        assertTrue(s.layer(0).poolAfter());
        assertEquals(62_006 - (6 + 16 + 120 + 84 + 10), s.weightCount()); // LeNet-5's 62,006 parameters less its biases
        assertEquals(10, s.numClasses());
        assertFalse(a.engineRuns());
        assertTrue(a.engineRefusal().orElseThrow().contains("3x3 stride-1"), a.engineRefusal().orElseThrow());
    }

    @Test
    void costModelsPriceADl4jNetworkWithoutWeights() {
        NetworkSpec s = Dl4jArchitecture.of(lenet5(), Dl4jArchitecture.CIFAR10, "lenet5").spec();
        SizeModel size = SizeModel.of(s);
        // Dense coding at 32 bits is 4 bytes per weight.
        assertEquals(61_770 * 4 / 1024.0, size.kibibytes(CompressionPlan.uncompressed(s), Coding.DENSE), 1e-9);
        assertEquals(61_770 * 8 / 8192.0, size.kibibytes(CompressionPlan.uniform(s, 1.0, 8), Coding.DENSE), 1e-9);
        ReferenceEnergyModel e = ReferenceEnergyModel.of(s);
        for (Dataflow d : Dataflow.values()) {
            double full = e.energyMilliJoules(CompressionPlan.uncompressed(s), d);
            double small = e.energyMilliJoules(CompressionPlan.uniform(s, 0.3, 4), d);
            assertTrue(full > 0 && Double.isFinite(full), d + ": " + full);
            assertTrue(small < full, d + ": pruned and quantized " + small + " vs " + full);
        }
    }

    @Test
    void narrowVggWrittenInDl4jIsOurVgg() {
        Dl4jArchitecture a = Dl4jArchitecture.of(narrowVgg11(), Dl4jArchitecture.CIFAR10, null);
        assertTrue(a.engineRuns(), a.engineRefusal().orElse(""));
        NetworkSpec s = a.spec();
        assertEquals("vgg11-w0.125", s.id());
        // Hand-computed: conv0 3->8 on 32x32, conv1 8->16 on 16x16, ..., fc 64 -> 10.
        assertEquals(9 * 3 * 8, s.layer(0).weightCount());
        assertEquals(9L * 3 * 8 * 32 * 32, s.layer(0).macs());
        assertEquals(9L * 8 * 16 * 16 * 16, s.layer(1).macs());
        assertEquals(9L * 32 * 32 * 8 * 8, s.layer(3).macs());
        assertEquals(9L * 64 * 64 * 2 * 2, s.layer(7).macs());
        assertEquals(640, s.layer(8).weightCount());
        long total = 9L * (3 * 8 + 8 * 16 + 16 * 32 + 32 * 32 + 32 * 64 + 64 * 64 + 64 * 64 + 64 * 64) + 640;
        assertEquals(total, s.weightCount());
    }

    @Test
    void vggConfigurationReadsBackAsTheSameSpecForTheFamily() {
        for (String m : new String[]{"vgg11", "vgg13", "vgg16", "vgg19"})
            for (double w : new double[]{1.0 / 16, 0.25}) {
                NetworkSpec want = NetworkSpec.vgg(m, w);
                Dl4jArchitecture a = Dl4jArchitecture.of(Dl4jNetwork.vggConfiguration(want, 0), Dl4jArchitecture.CIFAR10, null);
                assertTrue(a.engineRuns(), a.engineRefusal().orElse(""));
                assertEquals(want, a.spec(), m + " width " + w);
                long macs = 0;
                for (LayerSpec l : want.layers()) macs += l.macs();
                assertEquals(macs, a.spec().macs());
            }
    }

    @Test
    void unsupportedLayerIsRefusedWithNameAndPosition() {
        MultiLayerConfiguration c = new NeuralNetConfiguration.Builder().list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new LocalResponseNormalization.Builder().name("lrn").build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(32, 32, 3)).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Dl4jArchitecture.of(c, Dl4jArchitecture.CIFAR10, null));
        assertTrue(e.getMessage().contains("LocalResponseNormalization"), e.getMessage());
        assertTrue(e.getMessage().contains("'lrn'"), e.getMessage());
        assertTrue(e.getMessage().contains("position 2"), e.getMessage());
    }

    @Test
    void computationGraphChainAndRefusedMerge() {
        ComputationGraphConfiguration g = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in")
                .addLayer("c1", new ConvolutionLayer.Builder(5, 5).nOut(6).activation(Activation.RELU).build(), "in")
                .addLayer("p1", new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build(), "c1")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build(), "p1")
                .setOutputs("out").setInputTypes(InputType.convolutional(32, 32, 3)).build();
        NetworkSpec s = Dl4jArchitecture.of(g, Dl4jArchitecture.CIFAR10, "g").spec();
        assertEquals(2, s.size());
        assertEquals("c1", s.layer(0).name());
        assertEquals(6 * 14 * 14 * 10, s.layer(1).weightCount());

        ComputationGraphConfiguration m = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in")
                .addLayer("a", new ConvolutionLayer.Builder(3, 3).nOut(4).build(), "in")
                .addLayer("b", new ConvolutionLayer.Builder(3, 3).nOut(4).build(), "in")
                .addVertex("merge", new MergeVertex(), "a", "b")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build(), "merge")
                .setOutputs("out").setInputTypes(InputType.convolutional(32, 32, 3)).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Dl4jArchitecture.of(m, Dl4jArchitecture.CIFAR10, null));
        assertTrue(e.getMessage().contains("branches"), e.getMessage());
    }
}
