package io.haloconnector.splunk;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What splunkd hands a modular input on stdin: the {@code <input>} of a run (one {@code <stanza>} in
 * {@code <configuration>}) or the {@code <items>} of {@code --validate-arguments} (one {@code <item>}).
 *
 * @param serverUri     splunkd's management URI, such as {@code https://127.0.0.1:8089}
 * @param sessionKey    the session key that authorises REST calls to splunkd
 * @param checkpointDir the folder Splunk keeps for this scheme's checkpoints
 * @param stanzas       each stanza (or item) name with its parameters, in document order
 */
record InputXml(String serverUri, String sessionKey, String checkpointDir, List<Stanza> stanzas) {

    /** One input stanza: its name, such as {@code cloudpassage_halo://prod}, and its parameters. */
    record Stanza(String name, Map<String, String> params) {
        /** The input's own name: the stanza name after {@code scheme://}. */
        String inputName() {
            int separator = name.indexOf("://");
            return separator < 0 ? name : name.substring(separator + 3);
        }

        /** A parameter, or null when it is absent or blank. */
        String param(String key) {
            String value = params.get(key);
            return value == null || value.isBlank() ? null : value.trim();
        }
    }

    static InputXml read(InputStream in) throws IOException {
        Document document;
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            // splunkd sends no DTD: refusing one keeps external entities out
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setExpandEntityReferences(false);
            document = factory.newDocumentBuilder().parse(in);
        } catch (ParserConfigurationException | SAXException e) {
            throw new IOException("the XML on stdin is not well-formed: " + e.getMessage(), e);
        }
        Element root = document.getDocumentElement();
        List<Stanza> stanzas = new ArrayList<>();
        for (String tag : List.of("stanza", "item")) {
            NodeList nodes = root.getElementsByTagName(tag);
            for (int i = 0; i < nodes.getLength(); i++) {
                Element stanza = (Element) nodes.item(i);
                Map<String, String> params = new LinkedHashMap<>();
                for (Node child = stanza.getFirstChild(); child != null; child = child.getNextSibling()) {
                    if (child instanceof Element param && "param".equals(param.getTagName())) {
                        params.put(param.getAttribute("name"), param.getTextContent());
                    }
                }
                stanzas.add(new Stanza(stanza.getAttribute("name"), params));
            }
        }
        return new InputXml(text(root, "server_uri"), text(root, "session_key"), text(root, "checkpoint_dir"), stanzas);
    }

    private static String text(Element root, String tag) {
        NodeList nodes = root.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent().trim();
    }
}
