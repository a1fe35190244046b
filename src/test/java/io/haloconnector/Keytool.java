package io.haloconnector;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs the JDK's keytool, for tests that need certificates and stores of their own. */
public final class Keytool {
    private Keytool() {
    }

    public static void run(String storePassword, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("-storepass", storePassword));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }

    /** A PKCS12 key store with a self-signed certificate for 127.0.0.1, and a trust store holding that certificate. */
    public static void selfSignedForLoopback(Path keyStore, Path trustStore, String password) throws Exception {
        run(password, "-genkeypair", "-alias", "hec", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12", "-keystore", keyStore.toString());
        Path cert = keyStore.resolveSibling(keyStore.getFileName() + ".cer");
        run(password, "-exportcert", "-alias", "hec", "-keystore", keyStore.toString(), "-file", cert.toString());
        run(password, "-importcert", "-noprompt", "-alias", "hec", "-file", cert.toString(),
                "-storetype", "PKCS12", "-keystore", trustStore.toString());
    }

    /** A server's TLS context with the key of {@code keyStore} (PKCS12, or JKS when its name ends in .jks). */
    public static SSLContext serverTls(Path keyStore, String password) throws IOException {
        char[] secret = password.toCharArray();
        try (InputStream in = Files.newInputStream(keyStore)) {
            KeyStore store = KeyStore.getInstance(keyStore.toString().endsWith(".jks") ? "JKS" : "PKCS12");
            store.load(in, secret);
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, secret);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot load the server key store " + keyStore + ": " + e.getMessage(), e);
        }
    }
}
