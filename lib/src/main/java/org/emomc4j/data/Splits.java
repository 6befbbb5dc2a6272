package org.emomc4j.data;

import org.emomc4j.util.UserError;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The three splits used everywhere: train and validation drawn from the 50,000 training
 * images (class-balanced, seeded: default 45,000 / 5,000), and the 10,000 test images.
 * The search scores candidates on validation; test is for final reporting.
 */
public record Splits(ImageSet train, ImageSet val, ImageSet test) {

    public static final int DEFAULT_VAL_SIZE = 5000;
    public static final long DEFAULT_SEED = 20210801L;

    /**
     * Splits the official training images into train and validation.
     *
     * @param valSize validation images, a multiple of 10 (val has valSize/10 per class)
     * @param seed    shuffle seed; the same seed gives the same split
     */
    public static Splits of(ImageSet officialTrain, ImageSet test, int valSize, long seed) {
        if (valSize < 0 || valSize % ImageSet.CLASSES != 0 || valSize >= officialTrain.size())
            throw new UserError("validation size " + valSize
                    + " must be a multiple of 10 in [0, " + officialTrain.size() + ")");
        int[][] idx = balancedIndices(officialTrain, valSize, seed);
        return new Splits(officialTrain.subset(idx[1]), officialTrain.subset(idx[0]), test);
    }

    /** The split by name: {@code train}, {@code val} or {@code test}. */
    public ImageSet get(String name) {
        return switch (name) {
            case "train" -> train;
            case "val", "validation" -> val;
            case "test" -> test;
            default -> throw new UserError("unknown split '" + name + "': use train, val or test");
        };
    }

    /**
     * Chooses n/10 indices per class with a seeded per-class shuffle.
     *
     * @return {chosen (sorted by original index), rest (sorted)}
     */
    static int[][] balancedIndices(ImageSet set, int n, long seed) {
        int per = n / ImageSet.CLASSES;
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < ImageSet.CLASSES; c++) byClass.add(new ArrayList<>());
        for (int i = 0; i < set.size(); i++) byClass.get(set.label(i)).add(i);
        boolean[] chosen = new boolean[set.size()];
        Random rnd = new Random(seed);
        for (int c = 0; c < ImageSet.CLASSES; c++) {
            List<Integer> l = byClass.get(c);
            // Fisher-Yates with our own Random so the split never depends on JDK shuffle internals.
            int[] a = l.stream().mapToInt(Integer::intValue).toArray();
            for (int i = a.length - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                int t = a[i]; a[i] = a[j]; a[j] = t;
            }
            for (int k = 0; k < Math.min(per, a.length); k++) chosen[a[k]] = true;
        }
        int count = 0;
        for (boolean b : chosen) if (b) count++;
        int[] in = new int[count], out = new int[set.size() - count];
        int a = 0, b = 0;
        for (int i = 0; i < set.size(); i++) {
            if (chosen[i]) in[a++] = i; else out[b++] = i;
        }
        return new int[][]{in, out};
    }
}
