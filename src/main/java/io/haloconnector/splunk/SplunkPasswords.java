package io.haloconnector.splunk;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * Reads a secret from splunkd's password storage: {@code GET
 * <server_uri>/servicesNS/nobody/<app>/storage/passwords/<realm>:<user>:} with
 * {@code Authorization: Splunk <session_key>}, and the {@code clear_password} key of the Atom entry
 * it answers. The secret is returned, never logged or written.
 */
final class SplunkPasswords {
    /** The app, which is also the realm its secrets are stored under. */
    static final String APP = "cloudpassage_halo";

    private final URI serverUri;
    private final String sessionKey;

    SplunkPasswords(URI serverUri, String sessionKey) {
        this.serverUri = serverUri;
        this.sessionKey = sessionKey;
    }

    /** The stored secret of {@code user} in realm {@link #APP}, or empty when none is stored. */
    Optional<String> secret(String user) throws IOException {
        String name = escapeColons(APP) + ":" + escapeColons(user) + ":";
        URI uri = URI.create(serverUri.toString().replaceAll("/+$", "") + "/servicesNS/nobody/" + APP
                + "/storage/passwords/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"));
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        if (connection instanceof HttpsURLConnection https && isLoopback(uri.getHost())) {
            trustSplunkdOnLoopback(https);
        }
        connection.setConnectTimeout(10_000);
        connection.setReadTimeout(30_000);
        connection.setRequestProperty("Authorization", "Splunk " + sessionKey);
        int status = connection.getResponseCode();
        if (status == 404) {
            return Optional.empty();
        }
        if (status != 200) {
            throw new IOException("splunkd at " + serverUri + " answered HTTP " + status + " to the password storage request");
        }
        try (InputStream body = connection.getInputStream()) {
            return clearPassword(body);
        }
    }

    static Optional<String> clearPassword(InputStream atom) throws IOException {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            Document document = factory.newDocumentBuilder().parse(atom);
            NodeList keys = document.getElementsByTagNameNS("*", "key");
            for (int i = 0; i < keys.getLength(); i++) {
                Element key = (Element) keys.item(i);
                if ("clear_password".equals(key.getAttribute("name"))) {
                    String value = key.getTextContent();
                    return value.isEmpty() ? Optional.empty() : Optional.of(value);
                }
            }
            return Optional.empty();
        } catch (javax.xml.parsers.ParserConfigurationException | org.xml.sax.SAXException e) {
            throw new IOException("splunkd's password storage answer is not the Atom XML expected", e);
        }
    }

    /** Splunk separates realm and user with colons, so a colon inside either is escaped. */
    private static String escapeColons(String text) {
        return text.replace(":", "\\:");
    }

    private static boolean isLoopback(String host) {
        try {
            return host != null && InetAddress.getByName(host).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * splunkd's management port serves Splunk's own self-signed certificate by default; on loopback
     * (the server_uri splunkd hands its inputs) it is accepted as Splunk's SDKs do.
     */
    private static void trustSplunkdOnLoopback(HttpsURLConnection https) throws IOException {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            https.setSSLSocketFactory(context.getSocketFactory());
            https.setHostnameVerifier((host, session) -> true);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS to splunkd: " + e.getMessage(), e);
        }
    }
}
