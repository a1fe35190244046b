package io.haloconnector.app;

import io.haloconnector.readme.Readme;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/camel-runtime.md's dependency block is the coordinates mvn install installs the library under,
 * and its table of optional dependencies is the pom's: a host that copies them gets a working build.
 */
class LibraryDependencyDocsTest {
    private static final Path GUIDE = Path.of("docs", "camel-runtime.md");

    @Test
    void theDependencyBlockNamesTheBuildsMainArtifact() throws Exception {
        Element project = parse(Files.readString(Path.of("pom.xml"))).getDocumentElement();
        Element dependency = parse(Readme.recipe("library-dependency-xml").text()).getDocumentElement();

        assertThat(dependency.getTagName()).isEqualTo("dependency");
        assertThat(child(dependency, "groupId")).isEqualTo(child(project, "groupId")).isEqualTo("io.haloconnector");
        assertThat(child(dependency, "artifactId")).isEqualTo(child(project, "artifactId"));
        assertThat(child(dependency, "version")).isEqualTo(child(project, "version"));
    }

    @Test
    void theTableOfFeaturesNamesEveryOptionalDependencyOfThePom() throws Exception {
        Element project = parse(Files.readString(Path.of("pom.xml"))).getDocumentElement();
        Set<String> optional = new TreeSet<>();
        NodeList dependencies = directChild(project, "dependencies").getElementsByTagName("dependency");
        for (int i = 0; i < dependencies.getLength(); i++) {
            Element dependency = (Element) dependencies.item(i);
            if ("true".equals(child(dependency, "optional"))) {
                optional.add(child(dependency, "groupId") + ":" + child(dependency, "artifactId"));
            }
        }
        String guide = Files.readString(GUIDE);
        String table = guide.substring(guide.indexOf("| feature | selected by | add |"));
        table = table.substring(0, table.indexOf("\n\n"));
        Set<String> listed = new TreeSet<>();
        Matcher coordinates = Pattern.compile("`([a-z][\\w.-]*:[\\w.-]+)`").matcher(table);
        while (coordinates.find()) {
            listed.add(coordinates.group(1));
        }
        // logback-classic is the standalone app's logging binding, which a host replaces with its own: no feature selects it
        optional.remove("ch.qos.logback:logback-classic");
        assertThat(optional).as("the pom's optional dependencies").hasSizeGreaterThanOrEqualTo(6);
        assertThat(listed).as("the guide's table").isEqualTo(optional);
    }

    private static Document parse(String xml) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
    }

    private static Element directChild(Element parent, String tag) {
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && element.getTagName().equals(tag)) {
                return element;
            }
        }
        throw new AssertionError("no <" + tag + "> in <" + parent.getTagName() + ">");
    }

    private static String child(Element parent, String tag) {
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && element.getTagName().equals(tag)) {
                return element.getTextContent().trim();
            }
        }
        return null;
    }
}
