package io.haloconnector.poll;

import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The stop is marked when CamelContext.stop() begins, while every route still runs, and cleared by a new start. */
class ConnectorStoppingTest {

    @Test
    void theStopIsSignalledBeforeAnyRouteStopsAndAStartClearsIt() throws Exception {
        CamelContext context = new DefaultCamelContext();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("seda:polls").routeId("poll").log("a poll");
            }
        });
        ConnectorStopping stopping = ConnectorStopping.of(context);
        assertThat(ConnectorStopping.of(context)).as("one per context").isSameAs(stopping);
        List<ServiceStatus> routeAtTheSignal = new ArrayList<>();
        stopping.onStop(() -> routeAtTheSignal.add(context.getRouteController().getRouteStatus("poll")));
        context.start();
        assertThat(stopping.isStopping()).isFalse();
        assertThat(stopping.signal()).isNotDone();

        context.stop();
        assertThat(stopping.isStopping()).isTrue();
        assertThat(stopping.signal()).isDone();
        assertThat(routeAtTheSignal).as("the route when the stop was signalled").containsExactly(ServiceStatus.Started);

        context.start();
        assertThat(stopping.isStopping()).as("started again").isFalse();
        context.stop();
        assertThat(routeAtTheSignal).as("each stop runs the actions").hasSize(2);
        context.close();
    }
}
