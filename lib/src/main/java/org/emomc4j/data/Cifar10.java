package org.emomc4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CIFAR-10 in the official binary layout: {@code data_batch_1..5.bin} (training, 50,000 images),
 * {@code test_batch.bin} (10,000) and {@code batches.meta.txt} (class names). Each record is
 * 3,073 bytes: a label byte, then 1,024 red, 1,024 green and 1,024 blue bytes, row-major.
 *
 * <p>Every file is checked whole before anything is returned: a missing file, a size that is
 * not a multiple of 3,073 (a truncated last record) or a label outside 0..9 throws a
 * {@link CifarFormatException} naming the file and record.
 */
public final class Cifar10 {

    public static final int RECORD = 1 + ImageSet.PIXELS;
    public static final List<String> TRAIN_FILES = List.of(
            "data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin");
    public static final String TEST_FILE = "test_batch.bin";
    public static final String META_FILE = "batches.meta.txt";
    public static final List<String> DEFAULT_CLASS_NAMES = List.of(
            "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");

    private final Path dir;
    private final ImageSet train;
    private final ImageSet test;
    private final List<String> classNames;

    private Cifar10(Path dir, ImageSet train, ImageSet test, List<String> classNames) {
        this.dir = dir;
        this.train = train;
        this.test = test;
        this.classNames = classNames;
    }

    /** Loads the whole dataset from a directory (see {@link DataLocation#resolve}). */
    public static Cifar10 load(Path dir) {
        if (!Files.isDirectory(dir))
            throw new CifarFormatException("CIFAR-10 directory " + dir + " does not exist. " + howToFix());
        List<ImageSet> parts = new ArrayList<>();
        for (String f : TRAIN_FILES) parts.add(readFile(dir.resolve(f)));
        ImageSet train = concat(parts);
        ImageSet test = readFile(dir.resolve(TEST_FILE));
        return new Cifar10(dir, train, test, readClassNames(dir.resolve(META_FILE)));
    }

    /** Loads the dataset from the default location ({@code EMOMC_DATA} or {@code datasets/}). */
    public static Cifar10 load() { return load(DataLocation.resolve(null)); }

    public Path dir() { return dir; }

    /** The 50,000 official training images (before the train/validation split). */
    public ImageSet officialTrain() { return train; }

    /** The 10,000 test images. */
    public ImageSet test() { return test; }

    public List<String> classNames() { return classNames; }

    /** The default split: 45,000 train / 5,000 validation (seeded, class-balanced) / 10,000 test. */
    public Splits splits() { return splits(Splits.DEFAULT_VAL_SIZE, Splits.DEFAULT_SEED); }

    public Splits splits(int valSize, long seed) { return Splits.of(train, test, valSize, seed); }

    /** Reads one batch file, checking size and every label. */
    public static ImageSet readFile(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CifarFormatException("missing CIFAR-10 file " + file + ". " + howToFix());
        } catch (IOException e) {
            throw new CifarFormatException("cannot read CIFAR-10 file " + file + ": " + e.getMessage(), e);
        }
        if (bytes.length == 0)
            throw new CifarFormatException("CIFAR-10 file " + file + " is empty. " + howToFix());
        if (bytes.length % RECORD != 0) {
            int whole = bytes.length / RECORD;
            throw new CifarFormatException("CIFAR-10 file " + file + " has " + bytes.length
                    + " bytes, not a multiple of the 3,073-byte record: record " + whole
                    + " (0-based) is truncated to " + (bytes.length % RECORD)
                    + " bytes. The file is incomplete or corrupt; " + howToFix());
        }
        int n = bytes.length / RECORD;
        byte[] labels = new byte[n];
        byte[] pixels = new byte[n * ImageSet.PIXELS];
        for (int i = 0; i < n; i++) {
            int off = i * RECORD;
            int label = bytes[off] & 0xff;
            if (label > 9)
                throw new CifarFormatException("CIFAR-10 file " + file + ": record " + i + " (byte offset "
                        + off + ") has label " + label + ", not in 0..9. The file is corrupt or not in the "
                        + "CIFAR-10 binary layout; " + howToFix());
            labels[i] = (byte) label;
            // Planar CHW (R plane, G plane, B plane) -> interleaved HWC.
            int dst = i * ImageSet.PIXELS;
            for (int p = 0; p < 1024; p++) {
                pixels[dst + 3 * p] = bytes[off + 1 + p];
                pixels[dst + 3 * p + 1] = bytes[off + 1 + 1024 + p];
                pixels[dst + 3 * p + 2] = bytes[off + 1 + 2048 + p];
            }
        }
        return new ImageSet(pixels, labels);
    }

    /** Writes images in the official binary layout (tests and tools make small datasets with it). */
    public static void writeFile(Path file, ImageSet set) throws IOException {
        byte[] out = new byte[set.size() * RECORD];
        byte[] px = set.rawPixels();
        for (int i = 0; i < set.size(); i++) {
            int off = i * RECORD, src = i * ImageSet.PIXELS;
            out[off] = (byte) set.label(i);
            for (int p = 0; p < 1024; p++) {
                out[off + 1 + p] = px[src + 3 * p];
                out[off + 1 + 1024 + p] = px[src + 3 * p + 1];
                out[off + 1 + 2048 + p] = px[src + 3 * p + 2];
            }
        }
        Files.write(file, out);
    }

    /** Writes a complete CIFAR-10-format directory (5 training batches of equal size, a test batch, meta). */
    public static void writeDataset(Path dir, ImageSet officialTrain, ImageSet test) throws IOException {
        Files.createDirectories(dir);
        int per = officialTrain.size() / TRAIN_FILES.size();
        for (int b = 0; b < TRAIN_FILES.size(); b++) {
            int from = b * per, to = b == TRAIN_FILES.size() - 1 ? officialTrain.size() : from + per;
            int[] idx = new int[to - from];
            for (int i = 0; i < idx.length; i++) idx[i] = from + i;
            writeFile(dir.resolve(TRAIN_FILES.get(b)), officialTrain.subset(idx));
        }
        writeFile(dir.resolve(TEST_FILE), test);
        Files.writeString(dir.resolve(META_FILE), String.join("\n", DEFAULT_CLASS_NAMES) + "\n");
    }

    static List<String> readClassNames(Path meta) {
        try {
            List<String> names = Files.readAllLines(meta).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
            if (names.size() != 10)
                throw new CifarFormatException(meta + " lists " + names.size() + " class names, expected 10 "
                        + "(one per line). " + howToFix());
            return names;
        } catch (NoSuchFileException e) {
            throw new CifarFormatException("missing CIFAR-10 file " + meta + ". " + howToFix());
        } catch (IOException e) {
            throw new CifarFormatException("cannot read " + meta + ": " + e.getMessage(), e);
        }
    }

    static ImageSet concat(List<ImageSet> parts) {
        int n = parts.stream().mapToInt(ImageSet::size).sum();
        byte[] p = new byte[n * ImageSet.PIXELS];
        byte[] l = new byte[n];
        int at = 0;
        for (ImageSet s : parts) {
            System.arraycopy(s.rawPixels(), 0, p, at * ImageSet.PIXELS, s.size() * ImageSet.PIXELS);
            System.arraycopy(s.rawLabels(), 0, l, at, s.size());
            at += s.size();
        }
        return new ImageSet(p, l);
    }

    /** The advice every data error ends with. */
    public static String howToFix() {
        return "Put the official CIFAR-10 binary files (data_batch_1..5.bin, test_batch.bin, batches.meta.txt"
                + " from cifar-10-binary.tar.gz) in datasets/cifar-10-batches-bin, or point --data or EMOMC_DATA"
                + " at their directory; './emomc data fetch' downloads them where there is internet.";
    }

    /** Reads a whole stream (helper for fetch). */
    static byte[] readAll(InputStream in) throws IOException { return in.readAllBytes(); }
}
