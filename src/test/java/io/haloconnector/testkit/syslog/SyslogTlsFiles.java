package io.haloconnector.testkit.syslog;

import io.haloconnector.Keytool;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A test CA and a server certificate it signed for 127.0.0.1 (made with openssl), the PEM files
 * syslog-ng's TLS source reads, and a PKCS12 trust store holding the CA for the connector.
 */
public record SyslogTlsFiles(Path serverKey, Path serverCertificate, Path trustStore, String trustStorePassword) {

    /** Creates the files in {@code dir}; {@code caName} tells CAs apart. */
    public static SyslogTlsFiles create(Path dir, String caName) throws Exception {
        Files.createDirectories(dir);
        String password = "trust-" + caName;
        Path caKey = dir.resolve(caName + "-ca.key");
        Path caCert = dir.resolve(caName + "-ca.pem");
        Path key = dir.resolve(caName + "-server.key");
        Path csr = dir.resolve(caName + "-server.csr");
        Path cert = dir.resolve(caName + "-server.pem");
        Path ext = dir.resolve(caName + "-server.ext");
        Files.writeString(ext, "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
        openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", caKey.toString(), "-out", caCert.toString(), "-days", "2", "-subj", "/CN=" + caName + " test CA");
        openssl(dir, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key.toString(), "-out", csr.toString(), "-subj", "/CN=127.0.0.1");
        openssl(dir, "x509", "-req", "-in", csr.toString(), "-CA", caCert.toString(), "-CAkey", caKey.toString(),
                "-CAcreateserial", "-out", cert.toString(), "-days", "2", "-extfile", ext.toString());
        Path trustStore = dir.resolve(caName + "-trust.p12");
        Keytool.run(password, "-importcert", "-noprompt", "-alias", "ca", "-file", caCert.toString(),
                "-storetype", "PKCS12", "-keystore", trustStore.toString());
        return new SyslogTlsFiles(key, cert, trustStore, password);
    }

    private static void openssl(Path dir, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("openssl " + String.join(" ", args) + " failed: " + output);
        }
    }
}
