package io.haloconnector.console;

import org.apache.camel.CamelContext;
import org.apache.camel.console.DevConsole;
import org.apache.camel.console.DevConsoleRegistry;
import org.apache.camel.impl.console.DefaultDevConsoleRegistry;
import org.apache.camel.support.PluginHelper;

/**
 * The developer consoles the connector serves: its own {@code halo} console only. Camel's
 * management server answers every console of the context at {@code /q/dev} without
 * authentication, and camel-console's own include {@code send} (a message to any endpoint),
 * {@code eval-language} and the property and bean dumps; this registry never loads them, so
 * turning the console on exposes the connector's figures and nothing more.
 */
public final class ConnectorConsoles extends DefaultDevConsoleRegistry {

    /** Makes this the context's console registry (in place of camel-console's, which loads every console). */
    public static void install(CamelContext context) {
        ConnectorConsoles consoles = new ConnectorConsoles();
        consoles.setCamelContext(context);
        context.getCamelContextExtension().addContextPlugin(DevConsoleRegistry.class, consoles);
    }

    @Override
    public void loadDevConsoles(boolean force) {
        // through the service file, as Camel finds a console: a jar that lost it would serve nothing, visibly
        if (getConsole(HaloDevConsole.ID).isEmpty()) {
            DevConsole halo = PluginHelper.getDevConsoleResolver(getCamelContext()).resolveDevConsole(HaloDevConsole.ID);
            if (halo != null) {
                register(halo);
            }
        }
    }

    @Override
    public DevConsole resolveById(String id) {
        // no console is loaded on demand: only the ones registered here are served
        return getConsole(id).orElse(null);
    }
}
