package org.emomc4j.dl4j;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.emomc4j.data.ImageSet;
import org.emomc4j.search.Genome;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Stage-2 accuracy of an imported network through our engine and through DL4J. */
class ImportedAccuracyTest {

    @Test
    void engineAndDl4jScoreAGenomeAlike() {
        Dl4jNetwork d = Dl4jNetwork.fromModel(Dl4jNetworkTest.randomVgg("vgg11", 1.0 / 16, 21));
        ImageSet images = ImageSet.random(200, 8);
        ImportedAccuracy engine = ImportedAccuracy.of(d, images, 100), dl4j = ImportedAccuracy.dl4j(d, images, 100);
        assertEquals(ImportedAccuracy.Backend.ENGINE, engine.backend());
        assertEquals(ImportedAccuracy.Backend.DL4J, dl4j.backend());
        Genome a = new Genome(0.3, new int[]{4, 3, 5, 6, 2, 3, 4, 5, 6}), b = new Genome(0.9, new int[]{8, 8, 8, 8, 8, 8, 8, 8, 8});
        assertEquals(engine.accuracy(a), dl4j.accuracy(a), 1e-12);
        assertEquals(engine.accuracy(b), dl4j.accuracy(b), 1e-12);
        // Scoring is repeatable and leaves the source network as it was.
        assertEquals(dl4j.accuracy(a), dl4j.accuracy(a), 0.0);
        assertEquals(engine.uncompressed(), d.accuracy(images, 100), 1e-12);
        // Per-image results (for paired losses): both backends agree image by image, and with DL4J's own evaluate
        // of a copy compressed by hand.
        assertEquals(engine.correctness(a), dl4j.correctness(a));
        assertEquals(200, dl4j.correctness(a).images());
        Dl4jNetwork byHand = d.copy();
        byHand.apply(org.emomc4j.compress.ReferenceCompression.transform(
                org.emomc4j.compress.CompressionPlan.of(a.remaining(), a.bits())), d);
        assertEquals(byHand.accuracy(images, 100), dl4j.correctness(a).accuracy(), 1e-12);
        assertEquals(d.accuracy(images, 100), dl4j.uncompressedCorrectness().accuracy(), 1e-12);
        assertEquals(engine.uncompressedCorrectness(), dl4j.uncompressedCorrectness());
    }

    @Test
    void aNetworkTheEngineDoesNotRunIsScoredByDl4j() {
        MultiLayerNetwork net = new MultiLayerNetwork(Dl4jArchitectureTest.lenet5());
        net.init();
        Dl4jNetwork d = Dl4jNetwork.of(net, Dl4jArchitecture.CIFAR10, "lenet5");
        ImportedAccuracy acc = ImportedAccuracy.of(d, ImageSet.random(50, 1), 25);
        assertEquals(ImportedAccuracy.Backend.DL4J, acc.backend());
        double x = acc.accuracy(new Genome(0.5, new int[]{4, 4, 4, 4, 4}));
        assertTrue(x >= 0 && x <= 1);
        assertThrows(IllegalArgumentException.class, () -> acc.accuracy(new Genome(0.5, new int[]{4, 4})));
    }
}
