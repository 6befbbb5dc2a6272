/**
 * The DL4J bridge: any DL4J network (a {@code MultiLayerNetwork}, or a {@code ComputationGraph}
 * that is a chain of layers) as the paper's compressible network. {@link org.emomc4j.dl4j.Dl4jArchitecture}
 * reads its configuration into a {@link org.emomc4j.nn.NetworkSpec} for the cost models (energy per
 * dataflow, size per coding); {@link org.emomc4j.dl4j.Dl4jNetwork} moves weights between DL4J's
 * layouts and ours, converts the VGG family to and from our engine, and exports a compression plan's
 * pruned and quantized weights as a ModelSerializer zip; {@link org.emomc4j.dl4j.ImportedAccuracy}
 * scores stage-2 genomes on an imported network through our engine or DL4J.
 */
package org.emomc4j.dl4j;
