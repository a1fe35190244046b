package io.haloconnector.splunk;

import io.haloconnector.app.ConnectorMain;
import io.haloconnector.config.ConfigurationException;
import io.haloconnector.config.ConnectorSettings;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Splunk modular input {@code cloudpassage_halo}, per Splunk's modular-input protocol:
 * {@code --scheme} prints the introspection scheme, {@code --validate-arguments} checks the
 * {@code <items>} XML on stdin, and no argument runs the input of the {@code <input>} XML on stdin:
 * the secret from splunkd's password storage, one catch-up of Halo events streamed as Splunk's XML
 * on stdout with the checkpoint in a folder of {@code checkpoint_dir} per stanza, then exit 0
 * (Splunk starts it again each {@code interval}). Logs and errors go to stderr, which splunkd logs.
 */
public final class ModularInput {
    static final String DEFAULT_SOURCETYPE = "cp_halo";
    static final String DEFAULT_API_HOST = "api.cloudpassage.com";
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*(:[0-9]{1,5})?");

    static final String SCHEME = """
            <scheme>
              <title>CloudPassage Halo</title>
              <description>Security events of a CloudPassage Halo account, each event once, with the API key secret kept in Splunk's password storage.</description>
              <use_external_validation>true</use_external_validation>
              <use_single_instance>false</use_single_instance>
              <streaming_mode>xml</streaming_mode>
              <endpoint>
                <args>
                  <arg name="api_key">
                    <title>CloudPassage Halo API key</title>
                    <description>The API key id (a read-only auditor key). Its secret is kept in Splunk's password storage (realm cloudpassage_halo, user the input's name).</description>
                    <data_type>string</data_type>
                    <required_on_create>true</required_on_create>
                    <required_on_edit>false</required_on_edit>
                  </arg>
                  <arg name="start">
                    <title>Starting date/time</title>
                    <description>First-run start, ISO-8601 date (2026-09-01) or date-time (2026-09-01T10:00:00Z); default 90 days ago. A checkpoint wins over it.</description>
                    <data_type>string</data_type>
                    <required_on_create>false</required_on_create>
                    <required_on_edit>false</required_on_edit>
                  </arg>
                  <arg name="api_hostname">
                    <title>API hostname</title>
                    <description>The Halo API host, default api.cloudpassage.com (HTTPS); an https:// URL is taken as it is.</description>
                    <data_type>string</data_type>
                    <required_on_create>false</required_on_create>
                    <required_on_edit>false</required_on_edit>
                  </arg>
                </args>
              </endpoint>
            </scheme>
            """;

    private ModularInput() {
    }

    public static void main(String[] args) {
        int code;
        try {
            code = run(args, System.in, System.out, System.err);
        } catch (Throwable t) {
            code = reportFailure(t);
        }
        System.out.flush();
        System.exit(code);
    }

    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) throws IOException {
        if (args.length == 1 && "--scheme".equals(args[0])) {
            out.print(SCHEME);
            out.flush();
            return 0;
        }
        if (args.length == 1 && "--validate-arguments".equals(args[0])) {
            return validate(InputXml.read(in), out);
        }
        if (args.length > 0) {
            err.println("cloudpassage_halo: unknown argument " + args[0] + ": expected --scheme, --validate-arguments or none (a run)");
            return ConnectorMain.EXIT_CONFIGURATION;
        }
        return runInput(InputXml.read(in), out, err);
    }

    private static int validate(InputXml items, PrintStream out) {
        for (InputXml.Stanza item : items.stanzas()) {
            try {
                Map<String, String> settings = settings(item);
                checkKey(items, item, settings);
            } catch (ConfigurationException e) {
                out.print("<error><message>" + SplunkEventStream.escape(e.getMessage()) + "</message></error>");
                out.flush();
                return 1;
            }
        }
        return 0;
    }

    /**
     * Asks Halo for a token with the key and the secret stored for the input, when both splunkd and
     * Halo can be reached: a refused key is an error; no stored secret yet, or no answer, is not.
     */
    private static void checkKey(InputXml items, InputXml.Stanza item, Map<String, String> settings) {
        URI api = URI.create(settings.get("halo.api.url"));
        if (items.serverUri() == null || items.sessionKey() == null
                || !"https".equals(api.getScheme()) && !ConnectorSettings.isLoopback(api.getHost())) {
            return;
        }
        Optional<String> secret;
        try {
            secret = new SplunkPasswords(URI.create(items.serverUri()), items.sessionKey()).secret(item.inputName());
        } catch (IOException | IllegalArgumentException e) {
            return;
        }
        if (secret.isEmpty()) {
            return;
        }
        String key = settings.get("halo.api.key");
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            HttpRequest request = HttpRequest.newBuilder(URI.create(settings.get("halo.api.url") + "/oauth/access_token?grant_type=client_credentials"))
                    .timeout(Duration.ofSeconds(20))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((key + ":" + secret.get()).getBytes(StandardCharsets.UTF_8)))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                    .build();
            int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status == 401 || status == 403) {
                throw new ConfigurationException("Halo at " + api.getHost() + " refused API key " + key + " with the secret stored for input "
                        + item.inputName() + " (HTTP " + status + "): check the key id, and the secret in Splunk's password storage");
            }
        } catch (IOException e) {
            // Halo cannot be reached from here now: the run will say so if it still cannot
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The connector properties a stanza's parameters give (key, URL, start); refuses bad values in one line. */
    static Map<String, String> settings(InputXml.Stanza stanza) {
        Map<String, String> settings = new HashMap<>();
        String key = stanza.param("api_key");
        if (key == null) {
            throw new ConfigurationException("api_key is missing: enter the Halo API key id");
        }
        settings.put("halo.api.key", key);
        String start = stanza.param("start");
        if (start != null) {
            try {
                ConnectorSettings.parseStart(start);
            } catch (ConfigurationException e) {
                throw new ConfigurationException("start=" + start + " is not an ISO-8601 date (2026-09-01) or date-time"
                        + " (2026-09-01T10:00:00Z): correct it or leave it blank for 90 days ago");
            }
            settings.put("halo.start", start);
        }
        settings.put("halo.api.url", apiUrl(stanza.param("api_hostname")));
        return settings;
    }

    static String apiUrl(String hostname) {
        if (hostname == null) {
            return "https://" + DEFAULT_API_HOST;
        }
        if (hostname.startsWith("https://") || hostname.startsWith("http://")) {
            try {
                URI uri = new URI(hostname);
                if (uri.getHost() != null && uri.getUserInfo() == null && uri.getQuery() == null) {
                    return hostname.replaceAll("/+$", "");
                }
            } catch (java.net.URISyntaxException e) {
                // said below
            }
        } else if (HOST.matcher(hostname).matches()) {
            return "https://" + hostname;
        }
        throw new ConfigurationException("api_hostname=" + hostname + " is not a host name such as " + DEFAULT_API_HOST
                + " (or an https:// URL): correct it or leave it blank for " + DEFAULT_API_HOST);
    }

    private static int runInput(InputXml input, PrintStream out, PrintStream err) throws IOException {
        if (input.stanzas().size() != 1) {
            err.println("cloudpassage_halo: expected one input stanza on stdin, got " + input.stanzas().size());
            return ConnectorMain.EXIT_CONFIGURATION;
        }
        InputXml.Stanza stanza = input.stanzas().get(0);
        if (input.serverUri() == null || input.sessionKey() == null || input.checkpointDir() == null) {
            err.println("cloudpassage_halo: the input XML lacks server_uri, session_key or checkpoint_dir: run it from splunkd");
            return ConnectorMain.EXIT_CONFIGURATION;
        }
        Map<String, String> overrides;
        try {
            overrides = settings(stanza);
        } catch (ConfigurationException e) {
            err.println("cloudpassage_halo: input " + stanza.name() + ": " + e.getMessage());
            return ConnectorMain.EXIT_CONFIGURATION;
        }
        Optional<String> secret = new SplunkPasswords(URI.create(input.serverUri()), input.sessionKey()).secret(stanza.inputName());
        if (secret.isEmpty()) {
            err.println("cloudpassage_halo: input " + stanza.name() + " has no API secret in Splunk's password storage"
                    + " (realm " + SplunkPasswords.APP + ", user " + stanza.inputName() + "): store it on the app's setup page, as the app's README.md says"
                    + " (The CloudPassage Halo input, step 3)");
            return ConnectorMain.EXIT_CONFIGURATION;
        }
        overrides.put("halo.api.secret", secret.get());
        overrides.put("halo.state.dir", stateDir(Path.of(input.checkpointDir()), stanza.inputName()).toString());
        overrides.put("halo.output", "stdout");
        overrides.put(SplunkEventStream.STANZA_PROPERTY, stanza.name());
        String sourcetype = stanza.param("sourcetype");
        overrides.put(SplunkEventStream.SOURCETYPE_PROPERTY, sourcetype == null ? DEFAULT_SOURCETYPE : sourcetype);
        // several inputs run at once under one splunkd: no health port to share
        overrides.put("camel.management.enabled", "false");
        // Camel loads only for a run: --scheme and --validate-arguments answer at once
        return InputRun.catchUp(overrides, out);
    }

    /** The stanza's own checkpoint folder in checkpoint_dir, its name percent-encoded so no two inputs share one. */
    static Path stateDir(Path checkpointDir, String inputName) {
        String folder = URLEncoder.encode(inputName, StandardCharsets.UTF_8).replace("*", "%2A");
        if (folder.startsWith(".")) {
            folder = "%2E" + folder.substring(1);
        }
        // splunkd's checkpoint_dir is already the scheme's own ($SPLUNK_DB/modinputs/cloudpassage_halo)
        return checkpointDir.resolve(folder);
    }

    static int reportFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConfigurationException || t instanceof io.haloconnector.state.StateException) {
                System.err.println("cloudpassage_halo: " + t.getMessage());
                return ConnectorMain.EXIT_CONFIGURATION;
            }
        }
        System.err.println("cloudpassage_halo failed: " + failure);
        return 1;
    }
}
