package io.haloconnector.connector;

import io.haloconnector.config.ConfigurationException;
import io.haloconnector.poll.PageRequest;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Route;
import org.apache.camel.StartupListener;
import org.apache.camel.component.quartz.QuartzEndpoint;
import org.apache.camel.model.Model;
import org.apache.camel.model.ModelLifecycleStrategy;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.model.SendDefinition;
import org.apache.camel.model.SetHeaderDefinition;
import org.apache.camel.model.ToDynamicDefinition;
import org.apache.camel.util.URISupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the YAML routes really do, read from the routes as loaded rather than from the properties:
 * as the routes are added, an events query the window cannot page by is refused with one line
 * (an edited {@code per_page} would deliver a fraction of the events without a word); once they
 * run, the poll schedule is said as the schedule route's endpoint has it (a cron written into the
 * YAML in place of {@code {{halo.poll.cron}}} included).
 */
public final class RoutesAsLoaded implements StartupListener, ModelLifecycleStrategy {
    private static final Logger LOG = LoggerFactory.getLogger(RoutesAsLoaded.class);

    /** The route that sends the events request, and the one whose endpoint sets the schedule. */
    static final String EVENTS_REQUEST_ROUTE = "halo-events-request";
    static final String SCHEDULE_ROUTE = "halo-poll-schedule";
    static final String FIRST_POLL_ROUTE = "halo-first-poll";

    /**
     * The query parameters the window, the cursor and the checkpoint rely on, with the values they
     * must have: the poll window's slice, the page it is at, the page size it counts pages by, oldest first.
     */
    private static final Map<String, String> REQUIRED = requiredQuery();

    private final int perPage;

    /** @param perPage halo.perPage, for the hint of a refused per_page */
    public RoutesAsLoaded(int perPage) {
        this.perPage = perPage;
    }

    /** Listens to the context's routes: call before the routes are loaded. */
    public void watch(CamelContext context) throws Exception {
        context.addStartupListener(this);
        Model model = context.getCamelContextExtension().getContextPlugin(Model.class);
        if (model != null) {
            model.addModelLifecycleStrategy(this);
        }
    }

    /** Checked as the route is added, before the context starts: the launcher then says it in its one line. */
    @Override
    public void onAddRouteDefinition(RouteDefinition route) {
        if (EVENTS_REQUEST_ROUTE.equals(route.getRouteId())) {
            checkEventsQuery(queryTexts(route));
        }
    }

    @Override
    public void onRemoveRouteDefinition(RouteDefinition route) {
        // nothing to check
    }

    @Override
    public void onAddRouteTemplateDefinition(RouteTemplateDefinition template) {
        // the request route is a plain route
    }

    @Override
    public void onRemoveRouteTemplateDefinition(RouteTemplateDefinition template) {
        // nothing to check
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        if (!alreadyStarted) {
            LOG.info("Polls {}", schedule(context));
        }
    }

    /**
     * Refuses an events query that drops or changes a parameter the connector relies on.
     *
     * @param texts the query and URIs the request route sends, as written in the YAML
     */
    void checkEventsQuery(List<String> texts) {
        Map<String, String> sent = new LinkedHashMap<>();
        for (String text : texts) {
            String query = text.substring(text.indexOf('?') + 1); // a URI's query, or a CamelHttpQuery whole
            for (String pair : query.split("&")) {
                int equals = pair.indexOf('=');
                if (equals > 0) {
                    sent.putIfAbsent(pair.substring(0, equals).trim(), pair.substring(equals + 1).trim());
                }
            }
        }
        String where = "routes: the Halo events query (route " + EVENTS_REQUEST_ROUTE + ")";
        for (Map.Entry<String, String> required : REQUIRED.entrySet()) {
            String name = required.getKey();
            String value = sent.get(name);
            if (required.getValue().equals(value)) {
                continue;
            }
            String sends = value == null ? "sends no " + name : "sends " + name + "=" + value;
            if (name.equals("per_page")) {
                throw new ConfigurationException(where + " " + sends + ", but the connector counts its pages by"
                        + " halo.perPage=" + perPage + " and would skip events: keep per_page="
                        + required.getValue() + " and set the page size with halo.perPage"
                        + (value != null && value.matches("\\d+") ? " = " + value : ""));
            }
            throw new ConfigurationException(where + " " + sends + ": the poll window and the checkpoint rely on "
                    + name + "=" + required.getValue() + ", put it back");
        }
    }

    /** The CamelHttpQuery values and the endpoint URIs of the request route, as written. */
    private static List<String> queryTexts(RouteDefinition route) {
        List<String> texts = new ArrayList<>();
        collect(route.getOutputs(), texts);
        return texts;
    }

    private static void collect(List<ProcessorDefinition<?>> steps, List<String> texts) {
        for (ProcessorDefinition<?> step : steps) {
            if (step instanceof SetHeaderDefinition header && "CamelHttpQuery".equals(header.getName())
                    && header.getExpression() != null && header.getExpression().getExpression() != null) {
                texts.add(header.getExpression().getExpression());
            } else if (step instanceof ToDynamicDefinition to && to.getUri() != null) {
                texts.add(to.getUri());
            } else if (step instanceof SendDefinition<?> to && to.getUri() != null) {
                texts.add(to.getUri());
            }
            if (step.getOutputs() != null) {
                collect(step.getOutputs(), texts);
            }
        }
    }

    /** When the polls run, as the trigger routes' endpoints have it. */
    static String schedule(CamelContext context) {
        List<String> when = new ArrayList<>();
        if (context.getRoute(FIRST_POLL_ROUTE) != null) {
            when.add("at start");
        }
        Route scheduled = context.getRoute(SCHEDULE_ROUTE);
        if (scheduled != null) {
            Endpoint endpoint = scheduled.getEndpoint();
            when.add(endpoint instanceof QuartzEndpoint quartz && quartz.getCron() != null
                    ? "on the Quartz cron '" + quartz.getCron() + "'"
                    : "on " + URISupport.sanitizeUri(endpoint.getEndpointUri()));
        }
        return when.isEmpty() ? "only when a route of your own sends to direct:halo-poll-accounts"
                : String.join(" and ", when) + " (routes " + FIRST_POLL_ROUTE + ", " + SCHEDULE_ROUTE + ")";
    }

    private static Map<String, String> requiredQuery() {
        Map<String, String> required = new LinkedHashMap<>();
        required.put("since", "${exchangeProperty." + PageRequest.SINCE + "}");
        required.put("until", "${exchangeProperty." + PageRequest.UNTIL + "}");
        required.put("page", "${exchangeProperty." + PageRequest.PAGE + "}");
        required.put("per_page", "${exchangeProperty." + PageRequest.PER_PAGE + "}");
        required.put("sort_by", "created_at.asc");
        return required;
    }
}
