package io.haloconnector.hec;

import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.apache.hc.client5.http.ssl.DefaultHostnameVerifier;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;

import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.cert.X509Certificate;

/**
 * The HEC request route's TLS, as Camel's own {@link SSLContextParameters} (bean {@code hecTls})
 * and host name check (bean {@code hecHostnames}): the JDK's trust, a trust store from
 * hec.tls.trustStore (PKCS12, or JKS when the name ends in .jks), or with hec.tls.insecure no
 * verification at all.
 */
public final class HecTls {

    private HecTls() {
    }

    public static SSLContextParameters contextParameters(HecSettings settings) {
        SSLContextParameters parameters = new SSLContextParameters();
        if (settings.insecure()) {
            TrustManagersParameters trust = new TrustManagersParameters();
            trust.setTrustManager(new TrustingEverything());
            parameters.setTrustManagers(trust);
        } else if (settings.trustKeyStore().isPresent()) {
            KeyStoreParameters store = new KeyStoreParameters();
            store.setKeyStore(settings.trustKeyStore().get()); // as HecSettings read it: one loader
            TrustManagersParameters trust = new TrustManagersParameters();
            trust.setKeyStore(store);
            parameters.setTrustManagers(trust);
        }
        return parameters;
    }

    public static HostnameVerifier hostnameVerifier(HecSettings settings) {
        return settings.insecure() ? NoopHostnameVerifier.INSTANCE : new DefaultHostnameVerifier();
    }

    /** hec.tls.insecure: accepts any certificate. Extended, so that the JDK adds no host name check around it. */
    private static final class TrustingEverything extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

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
    }
}
