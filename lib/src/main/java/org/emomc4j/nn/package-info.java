/**
 * Networks and the training / evaluation engine: the paper's VGG-16 on CIFAR-10.
 *
 * <h2>Public API</h2>
 * <ul>
 *   <li>{@link org.emomc4j.nn.NetworkSpec} / {@link org.emomc4j.nn.LayerSpec}: layer shapes only
 *       (cost models need nothing else).</li>
 *   <li>{@link org.emomc4j.nn.Model}: {@code create(spec, seed)}, {@code load(path)},
 *       {@code save(path)}, {@code weights(l)}, {@code setWeights(l, float[])},
 *       {@code setMask(l, boolean[])}, {@code setWeightTransform(l, WeightTransform)},
 *       {@code accuracy(ImageSet, batch)}, {@code evaluate(ImageSet, batch)}, {@code logits(INDArray)},
 *       each also with a {@link org.emomc4j.nn.Precision} (fp32, bf16, int8; int8 after
 *       {@code setCalibration}), and {@code setTrainingPrecision} (fp32, bf16).</li>
 *   <li>{@link org.emomc4j.nn.Trainer} with {@link org.emomc4j.nn.TrainConfig} and
 *       {@link org.emomc4j.nn.Schedule}: {@code trainEpoch}, {@code fit(train, val, dir, resume, listener)},
 *       {@code save}, {@code restore}; progress through {@link org.emomc4j.nn.Trainer.Listener}.</li>
 *   <li>{@link org.emomc4j.nn.Checkpoint}: the documented, checksummed file format.</li>
 *   <li>{@link org.emomc4j.nn.NetworkParameters}: every parameter layer by layer (BatchNorm and
 *       bias included), for other frameworks (the DL4J bridge).</li>
 * </ul>
 *
 * <h2>How the engine is built (and why)</h2>
 * DL4J's layer stack runs VGG-16 ten times slower than PyTorch on this CPU, while libnd4j's own
 * oneDNN convolution is as fast as PyTorch's in NHWC. So the engine calls the ops directly on
 * preallocated NHWC buffers: {@code conv2d} (HWIO weights), {@code maxpool2d(_bp)},
 * {@code conv2d_bp}; BatchNorm+ReLU run as fused, vectorised Java passes (libnd4j's
 * {@code batchnorm_bp} alone took a quarter of a step); on 32x32 maps and wide 2x2 maps, where
 * {@code conv2d_bp} is slow, the weight gradient is nine GEMMs over zero-bordered flat buffers and
 * the input gradient a forward convolution with rotated kernels. All trainable parameters live in
 * one flat buffer, so SGD, weight decay and masks are a few ops per step. A double-precision path
 * through libnd4j's own BatchNorm ops serves the finite-difference gradient check.
 *
 * <h2>Precisions are backends</h2>
 * {@code Model} is a facade over the jobs it used to do itself: {@code ParameterStore} (flat fp32
 * master parameters, BatchNorm statistics), {@code CompressionHooks} (masks, weight transforms),
 * {@code Workspace} (buffers per batch size), {@code Loss}, and one {@code Backend} per
 * {@link org.emomc4j.nn.Precision}: {@code NdBackend} (the ND4J path above; it also trains, with
 * its convolutions optionally on oneDNN in bf16, {@code DnnlTrainConv}) and {@code DnnlBackend}
 * (bf16 and int8 inference entirely inside oneDNN 2.5 from the {@code org.bytedeco:dnnl} presets,
 * {@code DnnlConv}). That oneDNN is a second copy beside ND4J's bundled 2.3; both load into one
 * JVM (tested). The engine refuses to start on a non-CPU ND4J backend.
 *
 * <h2>Threads and determinism</h2>
 * A {@link org.emomc4j.nn.Model} instance is not thread-safe (it reuses buffers); separate
 * instances may evaluate concurrently but compete for the same cores (each op already uses
 * all of them), so sequential evaluation is usually as fast. Given the same thread count and the
 * same kind of CPU (bf16 training picks different kernels with AMX and without,
 * {@code DnnlTrainConv.Kernels}), training is bit-reproducible: data order and augmentation are pure functions of (seed, epoch, batch),
 * Java reductions use a fixed block order, and there is no dropout; this is what makes
 * {@code --resume} reach the uninterrupted run's weights.
 */
package org.emomc4j.nn;
