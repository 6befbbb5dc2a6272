package org.emomc4j.data;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.*;

class Cifar10Test {

    @TempDir
    Path tmp;

    /** A small balanced dataset: 100 training images (20 per batch file), 30 test images. */
    private Path writeSmall() throws IOException {
        Path dir = tmp.resolve("cifar");
        Cifar10.writeDataset(dir, TestImages.balanced(100, 1), TestImages.balanced(30, 2));
        return dir;
    }

    @Test
    void readsOfficialLayoutAndConvertsPlanarToInterleaved() throws IOException {
        // One record written by hand in the official layout: label, R plane, G plane, B plane.
        byte[] rec = new byte[Cifar10.RECORD];
        rec[0] = 7;
        for (int p = 0; p < 1024; p++) {
            rec[1 + p] = (byte) (p % 251);          // red
            rec[1 + 1024 + p] = (byte) (p % 13);    // green
            rec[1 + 2048 + p] = (byte) 200;         // blue
        }
        Path f = tmp.resolve("one.bin");
        Files.write(f, rec);
        ImageSet s = Cifar10.readFile(f);
        assertEquals(1, s.size());
        assertEquals(7, s.label(0));
        int row = 5, col = 17, p = row * 32 + col;
        assertEquals(p % 251, s.pixel(0, row, col, 0));
        assertEquals(p % 13, s.pixel(0, row, col, 1));
        assertEquals(200, s.pixel(0, row, col, 2));
    }

    @Test
    void writeThenReadIsIdentity() throws IOException {
        ImageSet orig = TestImages.balanced(40, 3);
        Path f = tmp.resolve("b.bin");
        Cifar10.writeFile(f, orig);
        assertEquals(40L * Cifar10.RECORD, Files.size(f));
        ImageSet back = Cifar10.readFile(f);
        assertArrayEquals(orig.rawPixels(), back.rawPixels());
        assertArrayEquals(orig.rawLabels(), back.rawLabels());
    }

    @Test
    void loadsWholeDirectory() throws IOException {
        Cifar10 c = Cifar10.load(writeSmall());
        assertEquals(100, c.officialTrain().size());
        assertEquals(30, c.test().size());
        assertEquals("airplane", c.classNames().get(0));
        assertEquals("truck", c.classNames().get(9));
    }

    @Test
    void missingDirectoryIsNamed() {
        Path dir = tmp.resolve("nowhere");
        CifarFormatException e = assertThrows(CifarFormatException.class, () -> Cifar10.load(dir));
        assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("EMOMC_DATA"), "says how to fix: " + e.getMessage());
    }

    @Test
    void missingBatchFileIsNamed() throws IOException {
        Path dir = writeSmall();
        Files.delete(dir.resolve("data_batch_3.bin"));
        CifarFormatException e = assertThrows(CifarFormatException.class, () -> Cifar10.load(dir));
        assertTrue(e.getMessage().contains("data_batch_3.bin"), e.getMessage());
        assertTrue(e.getMessage().contains("datasets/cifar-10-batches-bin"), e.getMessage());
    }

    @Test
    void missingMetaFileIsNamed() throws IOException {
        Path dir = writeSmall();
        Files.delete(dir.resolve("batches.meta.txt"));
        CifarFormatException e = assertThrows(CifarFormatException.class, () -> Cifar10.load(dir));
        assertTrue(e.getMessage().contains("batches.meta.txt"), e.getMessage());
    }

    @Test
    void sizeNotMultipleOfRecordNamesFileAndRecord() throws IOException {
        Path dir = writeSmall();
        Path f = dir.resolve("data_batch_2.bin");
        Files.write(f, new byte[100], StandardOpenOption.APPEND); // 20 records + 100 stray bytes
        CifarFormatException e = assertThrows(CifarFormatException.class, () -> Cifar10.load(dir));
        assertTrue(e.getMessage().contains("data_batch_2.bin"), e.getMessage());
        assertTrue(e.getMessage().contains("record 20"), e.getMessage());
        assertTrue(e.getMessage().contains("3,073"), e.getMessage());
    }

    @Test
    void truncatedRecordNamesFileAndRecord() throws IOException {
        Path dir = writeSmall();
        Path f = dir.resolve("test_batch.bin");
        byte[] b = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(b, b.length - 1000)); // last (29th) record cut short
        CifarFormatException e = assertThrows(CifarFormatException.class, () -> Cifar10.load(dir));
        assertTrue(e.getMessage().contains("test_batch.bin"), e.getMessage());
        assertTrue(e.getMessage().contains("record 29"), e.getMessage());
    }

    @Test
    void emptyFileIsRefused() throws IOException {
        Path dir = writeSmall();
        Files.write(dir.resolve("data_batch_5.bin"), new byte[0]);
        CifarFormatException e = assertThrows(CifarFormatException.class, () -> Cifar10.load(dir));
        assertTrue(e.getMessage().contains("data_batch_5.bin"), e.getMessage());
    }

    @Test
    void labelOutOfRangeNamesFileAndRecord() throws IOException {
        Path dir = writeSmall();
        Path f = dir.resolve("data_batch_4.bin");
        byte[] b = Files.readAllBytes(f);
        b[7 * Cifar10.RECORD] = 10;
        Files.write(f, b);
        CifarFormatException e = assertThrows(CifarFormatException.class, () -> Cifar10.load(dir));
        assertTrue(e.getMessage().contains("data_batch_4.bin"), e.getMessage());
        assertTrue(e.getMessage().contains("record 7"), e.getMessage());
        assertTrue(e.getMessage().contains("label 10"), e.getMessage());
    }

    @Test
    @Tag(RealCifar.TAG)
    void realDatasetHasExpectedClassCounts() {
        Cifar10 c = Cifar10.load(RealCifar.dir());
        Splits s = c.splits();
        assertEquals(45_000, s.train().size());
        assertEquals(5_000, s.val().size());
        assertEquals(10_000, s.test().size());
        int[] tr = s.train().classCounts(), va = s.val().classCounts(), te = s.test().classCounts();
        for (int k = 0; k < 10; k++) {
            assertEquals(5_000, tr[k] + va[k], "train+val class " + k);
            assertEquals(500, va[k], "val class " + k);
            assertEquals(1_000, te[k], "test class " + k);
        }
    }
}
