package org.emomc4j.dl4j;

import org.emomc4j.data.BatchLoader;
import org.emomc4j.data.ImageSet;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.NoSuchElementException;

/**
 * CIFAR-10 images for DL4J: a {@link DataSetIterator} of NCHW features, normalised exactly as our
 * engine normalises them (the same {@link BatchLoader}), and one-hot labels. For evaluation it
 * walks the set in order; for training it shuffles and augments (crop and flip) with a new
 * epoch on every {@link #reset()}, reproducibly from the seed.
 */
public final class Dl4jImages implements DataSetIterator {

    private final BatchLoader loader;
    private int epoch, batch;
    private DataSetPreProcessor pre;

    /** In order, no augmentation (evaluation). */
    public Dl4jImages(ImageSet set, int batchSize) {
        this.loader = new BatchLoader(set, batchSize, false, 0);
    }

    /** Shuffled and augmented, one epoch per pass (training). */
    public Dl4jImages(ImageSet set, int batchSize, long seed) {
        this.loader = new BatchLoader(set, batchSize, true, seed);
    }

    /** NCHW features of NHWC ones, [n, 32, 32, 3] to [n, 3, 32, 32]. */
    public static INDArray nchw(INDArray nhwc) {
        return nhwc.permute(0, 3, 1, 2).dup('c');
    }

    @Override
    public boolean hasNext() { return batch < loader.batchesPerEpoch(); }

    @Override
    public DataSet next() {
        if (!hasNext()) throw new NoSuchElementException();
        BatchLoader.Batch b = loader.batch(epoch, batch++);
        INDArray labels = Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, b.size(), ImageSet.CLASSES);
        for (int i = 0; i < b.size(); i++) labels.putScalar(i, b.labels()[i], 1.0);
        DataSet ds = new DataSet(nchw(b.features()), labels);
        if (pre != null) pre.preProcess(ds);
        return ds;
    }

    @Override
    public DataSet next(int num) { return next(); }

    @Override
    public int inputColumns() { return ImageSet.PIXELS; }

    @Override
    public int totalOutcomes() { return ImageSet.CLASSES; }

    @Override
    public boolean resetSupported() { return true; }

    @Override
    public boolean asyncSupported() { return false; }

    @Override
    public void reset() {
        if (batch > 0) epoch++;
        batch = 0;
    }

    @Override
    public int batch() { return loader.batchSize(); }

    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) { this.pre = preProcessor; }

    @Override
    public DataSetPreProcessor getPreProcessor() { return pre; }

    @Override
    public List<String> getLabels() { return null; }
}
