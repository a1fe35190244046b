package io.haloconnector.kamelet;

import io.haloconnector.config.ConnectorPropertyDefaults;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.ContextServicePlugin;

/**
 * Binds what the {@code halo-events-source} Kamelet's instances share, the way a component binds
 * itself: Camel loads this plugin (ServiceLoader) as each context is built, and it binds
 * {@link HaloEventsSources} as a supplier. The supplier runs when the first Kamelet instance makes
 * its bean; a context that has the jar and does not use the Kamelet opens nothing. It also adds
 * the {@link ConnectorPropertyDefaults}, so the {@code halo.*} placeholders of the Kamelet's routes resolve
 * without any properties of the host's.
 */
public final class HaloEventsSourcePlugin implements ContextServicePlugin {
    @Override
    public void load(CamelContext context) {
        // the template's and request routes' {{halo.*}} placeholders resolve to the table's defaults when the host sets none
        ConnectorPropertyDefaults.addTo(context);
        context.getRegistry().bind(HaloEventsSources.BEAN, HaloEventsSources.class, () -> HaloEventsSources.start(context));
    }
}
