package io.haloconnector.splunkapp;

import io.haloconnector.splunkapp.SplunkApp.Dashboard;
import io.haloconnector.splunkapp.SplunkApp.Search;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Simple XML dashboards and the navigation: well-formed, on the Halo macro, with working inputs and
 * drilldowns; and the setup view, which is a form, not a dashboard.
 */
class DashboardTest {

    private static final Set<String> VISUALIZATIONS = Set.of("chart", "table", "single", "map", "event", "viz");
    private static final Pattern TOKEN = Pattern.compile("\\$([^$|\\s]+)(?:\\|[a-z]+)?\\$");
    // views every Splunk app can put in its navigation without shipping them
    private static final Set<String> BUILT_IN_VIEWS = Set.of("search", "datasets", "reports", "alerts", "dashboards");

    @Test
    void everyViewAndTheNavAreWellFormedXml() throws IOException {
        List<String> xmlFiles = SplunkApp.files().stream().filter(file -> file.endsWith(".xml")).toList();

        assertThat(xmlFiles).contains("default/data/ui/nav/default.xml");
        for (String file : xmlFiles) {
            assertThat(SplunkApp.parseXml(SplunkApp.ROOT.resolve(file)).getDocumentElement()).as(file).isNotNull();
        }
    }

    @Test
    void everyDashboardIsSimpleXmlWithALabelAndNonEmptyQueries() throws IOException {
        List<Dashboard> dashboards = SplunkApp.dashboards();

        assertThat(dashboards).extracting(Dashboard::name)
                .containsExactlyInAnyOrder("halo_dashboard", "violation_dashboard", "event_search", "ip_maps");
        for (Dashboard dashboard : dashboards) {
            Element root = dashboard.root();
            assertThat(root.getTagName()).as(dashboard.name()).isIn("form", "dashboard");
            assertThat(root.getAttribute("version")).as(dashboard.name()).isEqualTo("1.1");
            assertThat(SplunkApp.childText(root, "label")).as(dashboard.name()).isNotBlank();
            for (Search search : dashboard.searches()) {
                assertThat(search.query()).as(dashboard.name() + ": a <search> without a query").isNotBlank();
            }
            List<Element> panels = SplunkApp.elements(root, "panel");
            assertThat(panels).as(dashboard.name()).isNotEmpty();
            for (Element panel : panels) {
                List<Element> visualizations = visualizations(panel);
                assertThat(visualizations).as(dashboard.name() + ": a panel without a visualization").isNotEmpty();
                for (Element visualization : visualizations) {
                    assertThat(SplunkApp.elements(visualization, "search"))
                            .as(dashboard.name() + ": <" + visualization.getTagName() + "> without a search").hasSize(1);
                }
            }
        }
    }

    @Test
    void everyDashboardSearchStartsWithTheHaloMacroAndNamesNoIndexOrSourcetypeItself() throws IOException {
        for (Dashboard dashboard : SplunkApp.dashboards()) {
            for (Search search : dashboard.searches()) {
                String query = search.query();
                String where = dashboard.name() + ": " + query;
                if (search.base() != null) {
                    // a post-process search only narrows the results of its base search
                    Search base = dashboard.searchWithId(search.base());
                    assertThat(base).as(where + " (base search '" + search.base() + "' missing)").isNotNull();
                    assertThat(base.base()).as(where).isNull();
                    assertThat(base.query()).as(where).startsWith(SplunkApp.RESTRICTION + " ");
                } else {
                    assertThat(query).as(where).startsWith(SplunkApp.RESTRICTION + " ");
                }
                // the index comes from the cp_halo_index macro only, so an admin changes it in one place
                assertThat(query).as(where).doesNotContainPattern("(?i)\\b(index|sourcetype)\\s*(=|!=|IN\\b)");
            }
        }
    }

    @Test
    void everyDashboardHasATimePickerThatEverySearchFollows() throws IOException {
        for (Dashboard dashboard : SplunkApp.dashboards()) {
            List<Element> timePickers = SplunkApp.elements(dashboard.root(), "input").stream()
                    .filter(input -> input.getAttribute("type").equals("time"))
                    .toList();
            assertThat(timePickers).as(dashboard.name()).hasSize(1);
            assertThat(timePickers.get(0).getAttribute("token")).isEqualTo("time");
            for (Search search : dashboard.searches()) {
                if (search.base() == null) {
                    assertThat(search.earliest()).as(dashboard.name() + ": " + search.query()).isEqualTo("$time.earliest$");
                    assertThat(search.latest()).as(dashboard.name() + ": " + search.query()).isEqualTo("$time.latest$");
                }
            }
        }
    }

    @Test
    void everyTokenASearchUsesIsSetByAnInput() throws IOException {
        for (Dashboard dashboard : SplunkApp.dashboards()) {
            List<String> defined = new ArrayList<>(dashboard.inputTokens());
            List<String> used = new ArrayList<>();
            for (Search search : dashboard.searches()) {
                for (String text : new String[] {search.query(), search.earliest(), search.latest()}) {
                    Matcher tokens = TOKEN.matcher(text == null ? "" : text);
                    while (tokens.find()) {
                        used.add(tokens.group(1).replaceFirst("\\.(earliest|latest)$", ""));
                    }
                }
            }
            assertThat(defined).as(dashboard.name() + ": inputs set their tokens once").doesNotHaveDuplicates();
            assertThat(defined).as(dashboard.name() + ": tokens the searches use").containsAll(used);
        }
    }

    @Test
    void theNavListsEveryDashboardOnceAndOnlyViewsThatExist() throws IOException {
        Element nav = SplunkApp.parseXml(SplunkApp.ROOT.resolve("default/data/ui/nav/default.xml")).getDocumentElement();
        List<Element> views = SplunkApp.elements(nav, "view");
        List<String> names = views.stream().map(view -> view.getAttribute("name")).toList();
        Set<String> dashboards = SplunkApp.dashboards().stream().map(Dashboard::name).collect(Collectors.toSet());

        assertThat(nav.getTagName()).isEqualTo("nav");
        assertThat(names).doesNotHaveDuplicates().containsAll(dashboards);
        // the setup page stays reachable after setup, to add an account or change a secret
        String setupView = SplunkApp.setupViewName();
        assertThat(names).contains(setupView);
        assertThat(names).allMatch(name -> dashboards.contains(name) || BUILT_IN_VIEWS.contains(name) || name.equals(setupView));
        assertThat(views.stream().filter(view -> view.getAttribute("default").equals("true")).map(view -> view.getAttribute("name")))
                .containsExactly("halo_dashboard");
    }

    @Test
    void theOriginalAppsPanelsAreThere() throws IOException {
        Map<String, String> spl = SplunkApp.dashboards().stream().collect(Collectors.toMap(Dashboard::name,
                dashboard -> dashboard.searches().stream().map(Search::query).collect(Collectors.joining("\n"))));

        assertThat(spl.get("halo_dashboard")).contains("critical", "sparkline(count)", "timechart count BY criticality",
                "BY policy_name", "BY server_group_name", "head 10");
        assertThat(spl.get("violation_dashboard")).contains("eventtype=cp_halo_violation", "BY name",
                "OVER server_hostname BY name", "OVER server_group_name BY name", "timechart count BY name", "dc(server_id)");
        assertThat(spl.get("ip_maps")).contains("iplocation actor_ip_address", "iplocation server_ip_address", "geostats");
        assertThat(spl.get("violation_dashboard").lines())
                .allMatch(query -> query.startsWith(SplunkApp.RESTRICTION + " eventtype=cp_halo_violation "));

        Dashboard eventSearch = dashboard("event_search");
        assertThat(eventSearch.inputTokens()).startsWith("time", "name", "server", "group", "policy", "critical");
        assertThat(spl.get("event_search")).contains("name=$name|s$", "server_hostname=$server|s$",
                "server_group_name=$group|s$", "policy_name=$policy|s$", "critical=$critical|s$");
    }

    @Test
    void eventSearchFiltersOnTheCimActionAndSeverity() throws IOException {
        Dashboard eventSearch = dashboard("event_search");
        String results = eventSearch.searches().get(eventSearch.searches().size() - 1).query();

        assertThat(eventSearch.inputTokens()).contains("action", "severity");
        assertThat(results).contains("action=$action|s$", "severity=$severity|s$");
        // "All" keeps the events of types without a CIM action
        assertThat(results).containsPattern("fillnull value=\"\\(none\\)\"[^|]* action");
        List<String> severities = SplunkApp.elements(eventSearch.root(), "input").stream()
                .filter(input -> input.getAttribute("token").equals("severity"))
                .flatMap(input -> SplunkApp.elements(input, "choice").stream())
                .map(choice -> choice.getAttribute("value")).toList();
        assertThat(severities).containsExactly("*", "critical", "high", "medium", "low");
    }

    @Test
    void aClickOnAServerInTheViolationDashboardOpensItsEventsInEventSearch() throws IOException {
        Dashboard violations = dashboard("violation_dashboard");
        Element chart = SplunkApp.elements(violations.root(), "chart").stream()
                .filter(c -> SplunkApp.elements(c, "query").get(0).getTextContent().contains("OVER server_hostname"))
                .findFirst().orElseThrow();
        List<Element> links = SplunkApp.elements(chart, "link");

        assertThat(links).hasSize(1);
        String link = links.get(0).getTextContent().strip();
        assertThat(link).startsWith("event_search?");
        // the clicked bar's x value is the server; every form token passed is one Event Search has
        assertThat(link).contains("form.server=$click.value|u$", "form.time.earliest=$time.earliest|u$");
        List<String> inputs = dashboard("event_search").inputTokens();
        for (String parameter : link.substring(link.indexOf('?') + 1).split("&")) {
            String token = parameter.substring("form.".length(), parameter.indexOf('=')).replaceFirst("\\.(earliest|latest)$", "");
            assertThat(inputs).as(parameter).contains(token);
        }
    }

    @Test
    void appConfOpensTheSetupViewUntilTheAppIsConfigured() throws IOException {
        SplunkConf app = SplunkApp.conf("default/app.conf");

        assertThat(app.stanza("ui")).containsEntry("setup_view", "setup_halo_input");
        assertThat(app.stanza("install")).containsEntry("is_configured", "false");
        assertThat(SplunkApp.files()).contains("default/data/ui/views/setup_halo_input.xml");
    }

    @Test
    void theSetupViewIsAFormOfSimpleXmlWhoseScriptAndStylesShipInAppserverStatic() throws IOException {
        Dashboard setup = SplunkApp.setupView();
        Element root = setup.root();

        assertThat(root.getTagName()).isEqualTo("dashboard");
        assertThat(root.getAttribute("version")).isEqualTo("1.1");
        assertThat(root.getAttribute("isDashboard")).isEqualTo("false");
        assertThat(SplunkApp.childText(root, "label")).isNotBlank();
        assertThat(setup.searches()).as("a setup view runs no search").isEmpty();
        for (String attribute : List.of("script", "stylesheet")) {
            assertThat(SplunkApp.files()).as(attribute).contains("appserver/static/" + root.getAttribute(attribute));
        }
        // the page script loads the module that writes to splunkd from this app's static folder
        String page = Files.readString(SplunkApp.ROOT.resolve("appserver/static/" + root.getAttribute("script")));
        Matcher module = Pattern.compile("'\\.\\./app/" + SplunkApp.APP_ID + "/([a-z_]+)'").matcher(page);
        assertThat(module.find()).as("RequireJS path ../app/%s/<module>", SplunkApp.APP_ID).isTrue();
        assertThat(SplunkApp.files()).contains("appserver/static/" + module.group(1) + ".js");
    }

    @Test
    void theSetupFormHasAFieldForEveryInputArgumentAndTheSecretIsAPasswordField() throws IOException {
        Map<String, Element> inputs = SplunkApp.elements(SplunkApp.setupView().root(), "input").stream()
                .collect(Collectors.toMap(input -> input.getAttribute("id"), input -> input));
        String page = Files.readString(SplunkApp.ROOT.resolve("appserver/static/" + SplunkApp.setupView().root().getAttribute("script")));
        Matcher fields = Pattern.compile("var FIELDS = \\[([^\\]]*)]").matcher(page);
        assertThat(fields.find()).isTrue();
        List<String> read = Pattern.compile("'([a-z_]+)'").matcher(fields.group(1)).results().map(m -> m.group(1)).toList();

        assertThat(read).containsAll(schemeArguments()).contains("name", "secret", "interval", "index", "sourcetype");
        // every field the script reads is on the page, and nothing on the page goes unread
        assertThat(inputs.keySet()).containsExactlyInAnyOrderElementsOf(read.stream().map(field -> "halo_" + field).toList());
        assertThat(inputs.get("halo_secret").getAttribute("type")).isEqualTo("password");
        assertThat(inputs.get("halo_secret").getAttribute("value")).isEmpty();
        inputs.forEach((id, input) -> assertThat(input.getAttribute("type")).as(id).isIn("text", "password"));
    }

    /** The arguments README/inputs.conf.spec declares for the input's stanzas. */
    private static List<String> schemeArguments() throws IOException {
        String spec = Files.readString(SplunkApp.ROOT.resolve("README/inputs.conf.spec"));
        String stanza = spec.substring(spec.indexOf("[cloudpassage_halo://<name>]"));
        return Pattern.compile("(?m)^([a-z_]+) = ").matcher(stanza).results().map(m -> m.group(1)).toList();
    }

    private static Dashboard dashboard(String name) throws IOException {
        return SplunkApp.dashboards().stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow();
    }

    private static List<Element> visualizations(Element panel) {
        List<Element> found = new ArrayList<>();
        for (org.w3c.dom.Node node = panel.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && VISUALIZATIONS.contains(element.getTagName())) {
                found.add(element);
            }
        }
        return found;
    }
}
