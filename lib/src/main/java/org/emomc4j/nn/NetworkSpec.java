package org.emomc4j.nn;

import org.emomc4j.util.UserError;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The shape of a network: its compressible layers in order. Built from a name such as
 * {@code vgg16} and a width multiplier, without building any tensors, so the cost models
 * and the search can use it freely.
 *
 * <p>The VGG variants are the CIFAR ones of the reference: 3x3 convolutions (padding 1) each
 * followed by BatchNorm and ReLU, 2x2 max-pools, then one fully connected layer to the classes.
 */
public record NetworkSpec(String model, double width, int inputChannels, int inputSize, int numClasses,
                          List<LayerSpec> layers) {

    /** Channel plans of the reference VGG CIFAR variants; 0 stands for a 2x2 max-pool. */
    private static final int[] VGG11 = {64, 0, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0};
    private static final int[] VGG13 = {64, 64, 0, 128, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0};
    private static final int[] VGG16 = {64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0};
    private static final int[] VGG19 = {64, 64, 0, 128, 128, 0, 256, 256, 256, 256, 0, 512, 512, 512, 512, 0,
            512, 512, 512, 512, 0};

    public NetworkSpec {
        layers = List.copyOf(layers);
    }

    /** The paper's network: full-width VGG-16 on 32x32x3 CIFAR-10 (14 compressible layers). */
    public static NetworkSpec vgg16() { return vgg("vgg16", 1.0); }

    /**
     * A reference VGG CIFAR variant.
     *
     * @param model {@code vgg11}, {@code vgg13}, {@code vgg16} or {@code vgg19}
     * @param width channel multiplier in (0, 1], e.g. 1, 0.5, 0.25, 0.125 for small profiles
     */
    public static NetworkSpec vgg(String model, double width) {
        int[] plan = switch (model.toLowerCase(Locale.ROOT)) {
            case "vgg11" -> VGG11;
            case "vgg13" -> VGG13;
            case "vgg16" -> VGG16;
            case "vgg19" -> VGG19;
            default -> throw new UserError("unknown model '" + model
                    + "': use one of vgg11, vgg13, vgg16, vgg19");
        };
        if (!(width > 0 && width <= 1))
            throw new UserError("width multiplier must be in (0, 1], got " + width);
        List<LayerSpec> layers = new ArrayList<>();
        int c = 3, size = 32, convNo = 0;
        for (int i = 0; i < plan.length; i++) {
            if (plan[i] == 0) continue;
            int out = scaled(plan[i], width);
            boolean pool = i + 1 < plan.length && plan[i + 1] == 0;
            layers.add(new LayerSpec(layers.size(), "conv" + convNo++, LayerSpec.Kind.CONV, 3, c, out, 1,
                    size, size, size, size, pool));
            c = out;
            if (pool) size /= 2;
        }
        layers.add(new LayerSpec(layers.size(), "fc", LayerSpec.Kind.FC, 1, c * size * size, 10, 1, 1, 1, 1, 1, false));
        return new NetworkSpec(model.toLowerCase(Locale.ROOT), width, 3, 32, 10, layers);
    }

    /** Parses a width such as {@code 1}, {@code 0.25} or {@code 1/4}. */
    public static double parseWidth(String text) {
        try {
            String t = text.trim();
            int slash = t.indexOf('/');
            double w = slash < 0 ? Double.parseDouble(t)
                    : Double.parseDouble(t.substring(0, slash)) / Double.parseDouble(t.substring(slash + 1));
            if (!(w > 0 && w <= 1)) throw new NumberFormatException();
            return w;
        } catch (RuntimeException e) {
            throw new UserError("bad width '" + text + "': give a fraction in (0, 1] such as 1, 1/2, 0.25, 1/8");
        }
    }

    private static int scaled(int channels, double width) {
        return Math.max(1, (int) Math.round(channels * width));
    }

    public int size() { return layers.size(); }

    public LayerSpec layer(int index) { return layers.get(index); }

    /** Total number of compressible weights. */
    public long weightCount() {
        long n = 0;
        for (LayerSpec l : layers) n += l.weightCount();
        return n;
    }

    /** Total MACs of one inference over the compressible layers. */
    public long macs() {
        long n = 0;
        for (LayerSpec l : layers) n += l.macs();
        return n;
    }

    /** A short id such as {@code vgg16} or {@code vgg16-w0.25}, used in file names. */
    public String id() {
        return width == 1.0 ? model : model + "-w" + stripZeros(width);
    }

    private static String stripZeros(double w) {
        String s = String.format(Locale.ROOT, "%.6f", w);
        return s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}
