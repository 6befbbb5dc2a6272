package org.emomc4j.report;

import org.emomc4j.data.ImageSet;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * CIFAR-10 images as pictures: one image, or a grid with one row per class (the first notebook's
 * look at the data). Images are drawn at an integer scale with nearest-neighbour pixels.
 */
public final class Images {
    private Images() { }

    /** Image {@code i} of a set as an RGB picture, {@code scale} screen pixels per image pixel. */
    public static BufferedImage image(ImageSet set, int i, int scale) {
        if (scale < 1) throw new IllegalArgumentException("scale must be >= 1, got " + scale);
        int side = ImageSet.SIDE * scale;
        BufferedImage out = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        for (int row = 0; row < ImageSet.SIDE; row++) {
            for (int col = 0; col < ImageSet.SIDE; col++) {
                int rgb = (set.pixel(i, row, col, 0) << 16) | (set.pixel(i, row, col, 1) << 8) | set.pixel(i, row, col, 2);
                for (int dy = 0; dy < scale; dy++) {
                    for (int dx = 0; dx < scale; dx++) out.setRGB(col * scale + dx, row * scale + dy, rgb);
                }
            }
        }
        return out;
    }

    /**
     * A grid with one row per class: the class name, then the first {@code perClass} images of that
     * class in the set.
     *
     * @param classNames names of the classes 0..9 (e.g. {@code Cifar10.classNames()})
     */
    public static BufferedImage classGrid(ImageSet set, List<String> classNames, int perClass, int scale, String title) {
        if (perClass < 1) throw new IllegalArgumentException("perClass must be >= 1, got " + perClass);
        int classes = classNames.size(), cell = ImageSet.SIDE * scale + 4, labelWidth = 110, titleHeight = title == null ? 0 : 28;
        BufferedImage out = new BufferedImage(labelWidth + perClass * cell, titleHeight + classes * cell, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.setColor(Color.BLACK);
        if (title != null) {
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            g.drawString(title, 6, 19);
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        int[] filled = new int[classes];
        for (int c = 0; c < classes; c++) g.drawString(classNames.get(c), 6, titleHeight + c * cell + cell / 2 + 5);
        for (int i = 0; i < set.size(); i++) {
            int c = set.label(i);
            if (c < 0 || c >= classes || filled[c] >= perClass) continue;
            g.drawImage(image(set, i, scale), labelWidth + filled[c] * cell + 2, titleHeight + c * cell + 2, null);
            filled[c]++;
        }
        g.dispose();
        return out;
    }

    /** Writes a picture as PNG (creating parent directories); returns the file. */
    public static Path savePng(BufferedImage image, Path file) throws IOException {
        if (file.getParent() != null) Files.createDirectories(file.getParent());
        ImageIO.write(image, "png", file.toFile());
        return file;
    }
}
