package org.emomc4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Downloads {@code cifar-10-binary.tar.gz} from the official CIFAR site, checks its md5 and
 * unpacks it. Without internet it fails within seconds and says where to put the files.
 */
public final class Fetch {

    public static final String URL = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz";
    public static final String MD5 = "c32a1d4ab5d03f1284b67883e8d87530";

    private Fetch() { }

    /**
     * @param target the directory that should end up holding the batches
     *               (normally {@code .../cifar-10-batches-bin}; the archive's own top folder has that name)
     */
    public static void fetch(Path target, Duration timeout) throws IOException, InterruptedException {
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path archive = parent.resolve("cifar-10-binary.tar.gz");
        Path partial = parent.resolve("cifar-10-binary.tar.gz.part");
        HttpClient client = HttpClient.newBuilder().connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        HttpResponse<InputStream> resp;
        try {
            resp = client.send(HttpRequest.newBuilder(URI.create(URL)).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new IOException("cannot download " + URL + " (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "). Without internet, copy "
                    + "cifar-10-binary.tar.gz from a machine that has it and unpack it so that "
                    + target + " holds data_batch_1..5.bin, test_batch.bin and batches.meta.txt, "
                    + "or point --data / EMOMC_DATA at an existing copy.", e);
        }
        if (resp.statusCode() != 200)
            throw new IOException("download of " + URL + " answered HTTP " + resp.statusCode());
        MessageDigest md5;
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = new DigestInputStream(resp.body(), md5); OutputStream out = Files.newOutputStream(partial)) {
            in.transferTo(out);
        }
        String got = HexFormat.of().formatHex(md5.digest());
        if (!got.equals(MD5)) {
            Files.deleteIfExists(partial);
            throw new IOException("downloaded archive has md5 " + got + ", expected " + MD5 + "; deleted it, try again");
        }
        org.emomc4j.util.AtomicFiles.move(partial, archive);
        // The archive holds cifar-10-batches-bin/...; unpack beside the target and move if named otherwise.
        Process p = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", parent.toString()).inheritIO().start();
        if (p.waitFor() != 0) throw new IOException("tar could not unpack " + archive);
        Path unpacked = parent.resolve("cifar-10-batches-bin");
        if (!unpacked.equals(target.toAbsolutePath())) Files.move(unpacked, target, StandardCopyOption.REPLACE_EXISTING);
        Cifar10.load(target); // verifies every file
    }
}
