package org.emomc4j.dl4j;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;

/** Test networks for tests outside this package. */
public final class Dl4jArchitectureTestConfigs {
    private Dl4jArchitectureTestConfigs() { }

    /** LeNet-5 on 32x32x3 (see {@link Dl4jArchitectureTest#lenet5()}). */
    public static MultiLayerConfiguration lenet5() { return Dl4jArchitectureTest.lenet5(); }
}
