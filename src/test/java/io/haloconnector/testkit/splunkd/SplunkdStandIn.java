package io.haloconnector.testkit.splunkd;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for the part of splunkd's REST API (management port) that the app uses, on a free
 * loopback port: {@code storage/passwords} (what the setup page writes and the modular input reads),
 * {@code data/inputs/<scheme>} (the input stanzas the setup page writes to inputs.conf) and
 * {@code apps/local/<app>} (the app's {@code configured} flag). Splunk cannot run here, so its answers
 * follow Splunk's REST API reference: an Atom feed by default, JSON with {@code output_mode=json}, 201
 * on create, 200 on update, 404 for an unknown entity, 409 for a create of an existing one, 400 for an
 * argument the endpoint does not take, 401 without {@code Authorization: Splunk <session key>}. It
 * records every request, so a test can check where a secret travelled.
 */
public final class SplunkdStandIn implements AutoCloseable {

    /** One request as it reached splunkd: method, raw path and query, and the decoded form body. */
    public record Request(String method, String pathAndQuery, Map<String, String> form) {
    }

    /** What the scheme's {@code --validate-arguments} answered: its exit code and stdout. */
    public record Validation(int exitCode, String out) {
    }

    // what splunkd adds to every modular input besides the scheme's own arguments (inputs.conf.spec)
    private static final Set<String> SPLUNK_INPUT_SETTINGS = Set.of("interval", "index", "sourcetype", "host", "disabled", "source");
    private static final Pattern PASSWORDS = Pattern.compile("/servicesNS/([^/]+)/([^/]+)/storage/passwords(?:/([^/]+))?");
    private static final Pattern INPUTS = Pattern.compile("/servicesNS/([^/]+)/([^/]+)/data/inputs/([^/]+)(?:/([^/]+))?");
    private static final Pattern APPS = Pattern.compile("/services(?:NS/[^/]+/[^/]+)?/apps/local/([^/]+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String app;
    private final String scheme;
    private final Set<String> schemeArguments;
    private final String sessionKey;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    /** Entity name ({@code realm:user:}) → its realm, user and clear password. */
    private final Map<String, String[]> passwords = new ConcurrentHashMap<>();
    private final Map<String, Map<String, String>> inputs = new ConcurrentHashMap<>();
    private final Set<String> badAuthorizations = ConcurrentHashMap.newKeySet();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile boolean configured;
    private volatile Function<String, Validation> validator;

    private SplunkdStandIn(String app, String scheme, Set<String> schemeArguments, String sessionKey) throws IOException {
        this.app = app;
        this.scheme = scheme;
        this.schemeArguments = schemeArguments;
        this.sessionKey = sessionKey;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", this::handle);
        // a validation started by one request reads the stored secret through another
        server.setExecutor(executor);
        server.start();
    }

    /**
     * Starts the stand-in for {@code app}, whose modular input {@code scheme} takes {@code schemeArguments}
     * (the {@code <arg>}s of its scheme), accepting only {@code sessionKey}.
     */
    public static SplunkdStandIn start(String app, String scheme, Set<String> schemeArguments, String sessionKey) throws IOException {
        return new SplunkdStandIn(app, scheme, schemeArguments, sessionKey);
    }

    /**
     * Runs the scheme's {@code --validate-arguments} on every create and edit of an input, as splunkd does
     * for a scheme with {@code use_external_validation}: it gets the {@code <items>} XML splunkd sends, and a
     * non-zero exit refuses the request with the script's {@code <error><message>}.
     */
    public SplunkdStandIn validatingInputsWith(Function<String, Validation> validation) {
        this.validator = validation;
        return this;
    }

    /** splunkd's management URI, what it hands its inputs as {@code server_uri}. */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public String sessionKey() {
        return sessionKey;
    }

    /** Stores a secret as the setup page (or a POST to storage/passwords) would. */
    public void storePassword(String realm, String user, String clearPassword) {
        passwords.put(passwordName(realm, user), new String[] {realm, user, clearPassword});
    }

    /** The clear password stored for realm and user. */
    public Optional<String> password(String realm, String user) {
        return Optional.ofNullable(passwords.get(passwordName(realm, user))).map(entry -> entry[2]);
    }

    /** How many secrets are stored, all realms. */
    public int passwordCount() {
        return passwords.size();
    }

    /** The input stanzas of the scheme, by name, with their settings as inputs.conf would hold them. */
    public Map<String, Map<String, String>> inputs() {
        return Map.copyOf(inputs);
    }

    /** Whether the app was marked configured ({@code [install] is_configured} through apps/local). */
    public boolean appConfigured() {
        return configured;
    }

    /** Every request, in order. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Authorization headers that were not {@code Splunk <session key>}. */
    public Set<String> badAuthorizations() {
        return Set.copyOf(badAuthorizations);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** splunkd's name of a stored secret: realm and user with their colons escaped, each followed by a colon. */
    public static String passwordName(String realm, String user) {
        return realm.replace(":", "\\:") + ":" + user.replace(":", "\\:") + ":";
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String rawPath = exchange.getRequestURI().getRawPath();
            String rawQuery = exchange.getRequestURI().getRawQuery();
            Map<String, String> query = form(rawQuery);
            Map<String, String> form = "POST".equals(method)
                    ? form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)) : Map.of();
            requests.add(new Request(method, rawPath + (rawQuery == null ? "" : "?" + rawQuery), form));
            boolean json = "json".equals(query.get("output_mode")) || "json".equals(form.get("output_mode"));
            Map<String, String> params = new LinkedHashMap<>(form);
            params.remove("output_mode");
            Answer answer;
            if (!("Splunk " + sessionKey).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                badAuthorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
                answer = Answer.error(401, "WARN", "call not properly authenticated");
            } else {
                answer = route(method, rawPath, params);
            }
            byte[] body = (json ? answer.json() : answer.xml()).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", json ? "application/json; charset=UTF-8" : "text/xml; charset=UTF-8");
            exchange.sendResponseHeaders(answer.status, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    private Answer route(String method, String rawPath, Map<String, String> params) {
        Matcher matcher = PASSWORDS.matcher(rawPath);
        if (matcher.matches() && isThisApp(matcher.group(1), matcher.group(2))) {
            return passwords(method, decode(matcher.group(3)), params);
        }
        matcher = INPUTS.matcher(rawPath);
        if (matcher.matches() && isThisApp(matcher.group(1), matcher.group(2)) && scheme.equals(matcher.group(3))) {
            return inputs(method, decode(matcher.group(4)), params);
        }
        matcher = APPS.matcher(rawPath);
        if (matcher.matches() && app.equals(decode(matcher.group(1)))) {
            if ("POST".equals(method)) {
                String value = params.getOrDefault("configured", "");
                if (!value.matches("(?i)true|false|1|0")) {
                    return Answer.error(400, "ERROR", "Value of argument 'configured' must be a boolean");
                }
                configured = value.equalsIgnoreCase("true") || value.equals("1");
            }
            return Answer.entry(200, "system/apps/local", app, Map.of("configured", configured ? "1" : "0"));
        }
        return Answer.error(404, "ERROR", "Not Found");
    }

    private boolean isThisApp(String owner, String appInPath) {
        return "nobody".equals(owner) && app.equals(appInPath);
    }

    private Answer passwords(String method, String name, Map<String, String> params) {
        if (name == null) {
            if (!"POST".equals(method)) {
                return Answer.error(405, "ERROR", "the stand-in lists no collections");
            }
            String user = params.get("name");
            String password = params.get("password");
            if (user == null || user.isEmpty() || password == null || password.isEmpty()) {
                return Answer.error(400, "ERROR", "Missing argument: " + (user == null || user.isEmpty() ? "name" : "password"));
            }
            String realm = params.getOrDefault("realm", "");
            String entity = passwordName(realm, user);
            if (passwords.putIfAbsent(entity, new String[] {realm, user, password}) != null) {
                return Answer.error(409, "ERROR", "An object with name=" + entity + " already exists");
            }
            return passwordEntry(201, entity);
        }
        String[] stored = passwords.get(name);
        if (stored == null) {
            return Answer.error(404, "ERROR", "Could not find object id=" + name);
        }
        if ("POST".equals(method)) {
            if (params.keySet().stream().anyMatch(key -> !key.equals("password")) || params.getOrDefault("password", "").isEmpty()) {
                return Answer.error(400, "ERROR", "an edit of a stored secret takes password only");
            }
            passwords.put(name, new String[] {stored[0], stored[1], params.get("password")});
        }
        return passwordEntry(200, name);
    }

    private Answer passwordEntry(int status, String name) {
        String[] stored = passwords.get(name);
        Map<String, String> content = new LinkedHashMap<>();
        content.put("clear_password", stored[2]);
        content.put("encr_password", "$7$aGVsbG8=");
        content.put("password", "********");
        content.put("realm", stored[0]);
        content.put("username", stored[1]);
        return Answer.entry(status, app + "/storage/passwords", name, content);
    }

    private Answer inputs(String method, String name, Map<String, String> params) {
        if (name == null && !"POST".equals(method)) {
            return Answer.error(405, "ERROR", "the stand-in lists no collections");
        }
        if (name != null && !inputs.containsKey(name)) {
            return Answer.error(404, "ERROR", "Could not find object id=" + name);
        }
        if (!"POST".equals(method)) {
            return Answer.entry(200, app + "/data/inputs/" + scheme, name, inputs.get(name));
        }
        String stanza = name != null ? name : params.get("name");
        Map<String, String> settings = new LinkedHashMap<>(params);
        if (name == null) {
            settings.remove("name");
            if (stanza == null || stanza.isEmpty()) {
                return Answer.error(400, "ERROR", "Missing argument: name");
            }
            if (inputs.containsKey(stanza)) {
                return Answer.error(409, "ERROR", "Object id=" + scheme + "://" + stanza + " cannot be created: it already exists");
            }
        }
        for (String key : settings.keySet()) {
            if (!schemeArguments.contains(key) && !SPLUNK_INPUT_SETTINGS.contains(key)) {
                return Answer.error(400, "ERROR", "Argument \"" + key + "\" is not supported by this handler.");
            }
        }
        Map<String, String> merged = new LinkedHashMap<>(name == null ? Map.of() : inputs.get(name));
        merged.putAll(settings);
        Function<String, Validation> validation = validator;
        if (validation != null) {
            Validation result = validation.apply(items(stanza, merged));
            if (result.exitCode() != 0) {
                return Answer.error(400, "ERROR", "Validation for scheme=" + scheme + " failed: " + errorMessage(result.out()));
            }
        }
        inputs.put(stanza, merged);
        return Answer.entry(name == null ? 201 : 200, app + "/data/inputs/" + scheme, stanza, merged);
    }

    /** The {@code <items>} XML splunkd sends to {@code --validate-arguments}. */
    private String items(String stanza, Map<String, String> settings) {
        StringBuilder xml = new StringBuilder("<items>\n  <server_host>splunk-test</server_host>\n  <server_uri>")
                .append(uri()).append("</server_uri>\n  <session_key>").append(sessionKey)
                .append("</session_key>\n  <checkpoint_dir>/opt/splunk/var/lib/splunk/modinputs/").append(scheme)
                .append("</checkpoint_dir>\n  <item name=\"").append(xmlText(stanza)).append("\">\n");
        settings.forEach((key, value) -> xml.append("    <param name=\"").append(key).append("\">").append(xmlText(value)).append("</param>\n"));
        return xml.append("  </item>\n</items>\n").toString();
    }

    private static String errorMessage(String out) {
        Matcher message = Pattern.compile("<message>(.*)</message>", Pattern.DOTALL).matcher(out);
        return message.find() ? message.group(1) : out.strip();
    }

    private static String decode(String raw) {
        return raw == null ? null : URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static Map<String, String> form(String encoded) {
        Map<String, String> form = new LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return form;
        }
        for (String pair : encoded.split("&")) {
            int equals = pair.indexOf('=');
            String key = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            form.put(key, equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        }
        return form;
    }

    private static String xmlText(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** One answer of splunkd: an entry (collection, name, content keys) or messages, rendered as Atom or JSON. */
    private record Answer(int status, String collection, String name, Map<String, String> content, String messageType, String message) {

        static Answer entry(int status, String collection, String name, Map<String, String> content) {
            return new Answer(status, collection, name, content, null, null);
        }

        static Answer error(int status, String type, String message) {
            return new Answer(status, null, null, null, type, message);
        }

        String xml() {
            if (content == null) {
                return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<response>\n  <messages>\n    <msg type=\"" + messageType + "\">"
                        + xmlText(message) + "</msg>\n  </messages>\n</response>\n";
            }
            StringBuilder keys = new StringBuilder();
            content.forEach((key, value) -> keys.append("        <s:key name=\"").append(key).append("\">").append(xmlText(value)).append("</s:key>\n"));
            return """
                    <?xml version="1.0" encoding="UTF-8"?>
                    <feed xmlns="http://www.w3.org/2005/Atom" xmlns:s="http://dev.splunk.com/ns/rest" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">
                      <title>%1$s</title>
                      <id>https://127.0.0.1:8089/servicesNS/nobody/%2$s</id>
                      <generator build="b6b9c8185839" version="9.1.2"/>
                      <opensearch:totalResults>1</opensearch:totalResults>
                      <entry>
                        <title>%3$s</title>
                        <id>https://127.0.0.1:8089/servicesNS/nobody/%2$s/%4$s</id>
                        <author><name>nobody</name></author>
                        <content type="text/xml">
                          <s:dict>
                    %5$s      </s:dict>
                        </content>
                      </entry>
                    </feed>
                    """.formatted(collection.substring(collection.lastIndexOf('/') + 1), collection, xmlText(name),
                    URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"), keys);
        }

        String json() {
            ObjectNode root = JSON.createObjectNode();
            ArrayNode messages = JSON.createArrayNode();
            if (content == null) {
                messages.addObject().put("type", messageType).put("text", message);
            } else {
                root.put("origin", "https://127.0.0.1:8089/servicesNS/nobody/" + collection);
                root.putObject("generator").put("build", "b6b9c8185839").put("version", "9.1.2");
                ObjectNode entry = root.putArray("entry").addObject();
                entry.put("name", name);
                entry.put("id", "https://127.0.0.1:8089/servicesNS/nobody/" + collection + "/"
                        + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"));
                entry.put("author", "nobody");
                ObjectNode fields = entry.putObject("content");
                content.forEach(fields::put);
                root.putObject("paging").put("total", 1).put("perPage", 30).put("offset", 0);
            }
            root.set("messages", messages);
            try {
                return JSON.writeValueAsString(root);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
