package io.haloconnector.observe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.haloconnector.config.ManagementEndpoint;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.HealthCheckRegistry;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * Answers camel.management's health paths ({@code /observe/health}, {@code /live}, {@code /ready}) in
 * front of platform-http-main's own handler, in its shape (status; checks with name, status,
 * message, and their data with {@code data=true}; {@code exposureLevel} oneline, default or full;
 * 503 when down), except that a check's message is a plain JSON string. platform-http-main 4.18
 * escapes the message before its JSON writer escapes it again, so a reason holding
 * {@code postgresql://} read {@code postgresql:\/\/} once parsed; Jackson writes it as it is.
 */
public final class HealthEndpoint {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HealthEndpoint() {
    }

    /** Puts the handler on the management server's router once the context has started (the router exists then). */
    public static void install(CamelContext context, ManagementEndpoint management) throws Exception {
        context.addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext started, boolean alreadyStarted) {
                // the management server starts with the context: its router is there after
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext started, boolean alreadyStarted) {
                VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(started,
                        VertxPlatformHttpRouter.getRouterNameFromPort(management.port()));
                if (router == null) {
                    return; // no management server (camel.management.healthCheckEnabled=false, or another runtime's)
                }
                Handler<RoutingContext> handler = request -> answer(started, request, management.healthPath());
                for (String path : new String[] {management.healthPath(), management.healthPath() + "/live",
                        management.healthPath() + "/ready"}) {
                    // before Camel's own route on the same path
                    router.route(path).order(-1).method(HttpMethod.GET).blockingHandler(handler);
                }
            }
        });
    }

    private static void answer(CamelContext context, RoutingContext request, String healthPath) {
        HealthCheckRegistry registry = HealthCheckRegistry.get(context);
        String level = request.request().getParam("exposureLevel");
        if (level == null) {
            level = registry.getExposureLevel();
        }
        boolean withData = "true".equals(request.request().getParam("data"));
        String path = request.request().path();
        boolean ready = path.equals(healthPath + "/ready");
        Collection<HealthCheck.Result> results = ready ? HealthCheckHelper.invokeReadiness(context, level)
                : path.equals(healthPath + "/live") ? HealthCheckHelper.invokeLiveness(context, level)
                : HealthCheckHelper.invoke(context, level);
        boolean up = HealthCheckHelper.isResultsUp(results, ready);

        ObjectNode body = JSON.createObjectNode();
        body.put("status", up ? "UP" : "DOWN");
        if (!"oneline".equals(level)) {
            ArrayNode checks = JSON.createArrayNode();
            for (HealthCheck.Result result : results) {
                // the default level shows only the checks that are down
                if ("full".equals(level) || result.getState() == HealthCheck.State.DOWN) {
                    checks.add(check(result, level, withData));
                }
            }
            if (!checks.isEmpty()) {
                body.set("checks", checks);
            }
        }
        request.response().putHeader("content-type", "application/json");
        if (!up) {
            request.response().setStatusCode(503);
        }
        request.end(body.toString());
    }

    private static ObjectNode check(HealthCheck.Result result, String level, boolean withData) {
        ObjectNode check = JSON.createObjectNode();
        check.put("name", result.getCheck().getId());
        check.put("status", result.getState().name());
        if ("full".equals(level)) {
            result.getError().ifPresent(error -> check.put("error-message", causes(error)));
        }
        result.getMessage().ifPresent(message -> check.put("message", message));
        if (withData && result.getDetails() != null && !result.getDetails().isEmpty()) {
            ObjectNode data = JSON.createObjectNode();
            for (Map.Entry<String, Object> detail : new TreeMap<>(result.getDetails()).entrySet()) {
                data.put(detail.getKey(), detail.getValue() == null ? "" : detail.getValue().toString());
            }
            check.set("data", data);
        }
        return check;
    }

    /** The error's message and those of its causes, as Camel's own handler gives them. */
    private static String causes(Throwable error) {
        StringBuilder text = new StringBuilder(String.valueOf(error.getMessage()));
        for (Throwable cause = error.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause.getMessage() != null) {
                text.append("; Caused by: ").append(cause.getClass().getName()).append(": ").append(cause.getMessage());
            }
        }
        return text.toString();
    }
}
