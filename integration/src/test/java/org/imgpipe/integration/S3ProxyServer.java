package org.imgpipe.integration;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real S3 API server: S3Proxy (from Maven Central, copied into target/ by the build) in its own
 * JVM, on a free loopback port, storing buckets as folders under a directory, requiring AWS
 * signatures with one access key.
 */
final class S3ProxyServer implements AutoCloseable {
    private final Process process;
    private final int port;

    private S3ProxyServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static S3ProxyServer start(Path dir, String bucket, String accessKey, String secretKey) throws Exception {
        String jar = System.getProperty("s3proxy.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("S3Proxy jar not found at " + jar + ": run the tests through Maven");
        }
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path blobs = Files.createDirectories(dir.resolve("blobs"));
        Files.createDirectories(blobs.resolve(bucket));
        Path props = dir.resolve("s3proxy.properties");
        Files.write(props, List.of(
                "s3proxy.endpoint=http://127.0.0.1:" + port,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + accessKey,
                "s3proxy.credential=" + secretKey,
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + blobs));
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-jar", jar, "--properties", props.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("s3proxy.log").toFile()).start();
        S3ProxyServer server = new S3ProxyServer(p, port);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!server.accepting()) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                server.close();
                throw new IllegalStateException("S3Proxy did not start; see " + dir.resolve("s3proxy.log") + ":\n"
                        + Files.readString(dir.resolve("s3proxy.log")));
            }
            Thread.sleep(200);
        }
        return server;
    }

    private boolean accepting() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
