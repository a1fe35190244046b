package io.haloconnector.kamelet;

import io.haloconnector.LogCapture;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A host context that has the connector's jar on its class path and does not use the Kamelet: the
 * plugin is loaded (the connector's property defaults are there), and nothing of the connector's is opened or added.
 */
class HaloEventsSourcePluginTest {

    @Test
    void aContextThatDoesNotUseTheKameletOpensNothingOfTheConnectors() throws Exception {
        try (LogCapture logs = new LogCapture(); CamelContext context = new DefaultCamelContext()) {
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:host").routeId("host-route").to("log:host");
                }
            });
            context.start();

            assertThat(context.resolvePropertyPlaceholders("{{halo.perPage}}")).as("the plugin ran: the defaults resolve").isEqualTo("500");
            assertThat(context.getRoutes()).extracting(route -> route.getRouteId()).containsExactly("host-route");
            assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName).noneMatch(name -> name.startsWith("halo-"));
            assertThat(logs.text()).doesNotContain("Polling Halo").doesNotContain("checkpoint");
        }
    }
}
