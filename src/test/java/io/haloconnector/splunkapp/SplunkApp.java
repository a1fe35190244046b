package io.haloconnector.splunkapp;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The Splunk app's source folder as the tests see it: its files, its .conf files and its
 * Simple XML dashboards with their searches. Paths are relative to the project folder, where
 * Maven runs the tests.
 */
public final class SplunkApp {

    /** The app's source folder, packaged as the app's top folder. */
    public static final Path ROOT = Path.of("splunk-app");
    /** The app id: the top folder in the package, {@code [package] id} in app.conf. */
    public static final String APP_ID = "cloudpassage_halo";
    /** What every search must start with: the macro for the index and sourcetype (macros.conf). */
    public static final String RESTRICTION = "`cp_halo`";

    private SplunkApp() {
    }

    /** Every regular file of the app, relative to {@link #ROOT}, with '/' separators, sorted. */
    public static List<String> files() {
        try (Stream<Path> walk = Files.walk(ROOT)) {
            return walk.filter(Files::isRegularFile)
                    .map(path -> ROOT.relativize(path).toString().replace('\\', '/'))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static SplunkConf conf(String relativePath) throws IOException {
        return SplunkConf.read(ROOT.resolve(relativePath));
    }

    /** The dashboards of default/data/ui/views, sorted by file name: every view but the setup view. */
    public static List<Dashboard> dashboards() throws IOException {
        String setupView = setupViewName();
        List<Dashboard> dashboards = new ArrayList<>();
        for (String file : files()) {
            if (file.startsWith("default/data/ui/views/") && file.endsWith(".xml") && !file.endsWith("/" + setupView + ".xml")) {
                dashboards.add(new Dashboard(ROOT.resolve(file), parseXml(ROOT.resolve(file))));
            }
        }
        return dashboards;
    }

    /** The view app.conf names as {@code [ui] setup_view}: the page Splunk opens after install. */
    public static String setupViewName() throws IOException {
        return conf("default/app.conf").stanza("ui").get("setup_view");
    }

    /** The setup view, a Simple XML view of default/data/ui/views whose script writes the input's settings. */
    public static Dashboard setupView() throws IOException {
        Path file = ROOT.resolve("default/data/ui/views/" + setupViewName() + ".xml");
        return new Dashboard(file, parseXml(file));
    }

    /** Parses with the JDK's parser, refusing DTDs (Simple XML has none, and they could fetch files). */
    public static Document parseXml(Path file) throws IOException {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setNamespaceAware(false);
            DocumentBuilder builder = factory.newDocumentBuilder();
            // the default handler prints parse errors to stderr before throwing; the exception is enough
            builder.setErrorHandler(null);
            return builder.parse(file.toFile());
        } catch (ParserConfigurationException | SAXException e) {
            throw new IllegalArgumentException(file + " is not well-formed XML: " + e.getMessage(), e);
        }
    }

    /** Direct and nested elements named {@code tag} under {@code parent}, in document order. */
    public static List<Element> elements(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        List<Element> elements = new ArrayList<>(nodes.getLength());
        for (int i = 0; i < nodes.getLength(); i++) {
            elements.add((Element) nodes.item(i));
        }
        return elements;
    }

    /** The text of the first child element named {@code tag}, or null. */
    public static String childText(Element parent, String tag) {
        for (org.w3c.dom.Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element child && child.getTagName().equals(tag)) {
                return child.getTextContent();
            }
        }
        return null;
    }

    /** One Simple XML dashboard file. */
    public record Dashboard(Path file, Document document) {

        public Element root() {
            return document.getDocumentElement();
        }

        public String name() {
            String fileName = file.getFileName().toString();
            return fileName.substring(0, fileName.length() - ".xml".length());
        }

        /** Every {@code <search>}: global ones, panels' and inputs' populating searches. */
        public List<Search> searches() {
            return elements(root(), "search").stream().map(Search::new).toList();
        }

        /** The search with this {@code id}, or null. */
        public Search searchWithId(String id) {
            return searches().stream().filter(search -> id.equals(search.id())).findFirst().orElse(null);
        }

        /** The tokens its inputs set, e.g. {@code time} for the time picker. */
        public List<String> inputTokens() {
            return elements(root(), "input").stream().map(input -> input.getAttribute("token")).toList();
        }

        @Override
        public String toString() {
            return file.toString();
        }
    }

    /** One {@code <search>} element. */
    public record Search(Element element) {

        public String id() {
            return element.hasAttribute("id") ? element.getAttribute("id") : null;
        }

        /** The id of the base search this one post-processes, or null. */
        public String base() {
            return element.hasAttribute("base") ? element.getAttribute("base") : null;
        }

        /** The SPL, trimmed, or null without a {@code <query>}. */
        public String query() {
            String query = childText(element, "query");
            return query == null ? null : query.strip();
        }

        public String earliest() {
            return childText(element, "earliest");
        }

        public String latest() {
            return childText(element, "latest");
        }
    }
}
