package io.haloconnector.kamelet;

import io.haloconnector.config.ConnectorPropertyDefaults;
import org.apache.camel.CamelContext;
import org.apache.camel.ExtendedCamelContext;
import org.apache.camel.spi.ContextServicePlugin;

import java.util.Locale;

/**
 * Binds what the {@code halo-events-source} Kamelet's instances share, the way a component binds
 * itself: Camel loads this plugin (ServiceLoader) as each context is built, and it binds
 * {@link HaloEventsSources} as a supplier. The supplier runs when the first Kamelet instance makes
 * its bean; a context that has the jar and does not use the Kamelet opens nothing. It adds the
 * {@link ConnectorPropertyDefaults} and names the Kamelet's {@code apiSecret} to Camel as sensitive, so Camel masks it where it masks passwords.
 */
public final class HaloEventsSourcePlugin implements ContextServicePlugin {
    /** The Kamelet's secret parameter, for Camel's masking of URIs and of camel-main's placeholder summary. */
    static final String SECRET_PARAMETER = "apisecret";

    @Override
    public void load(CamelContext context) {
        ExtendedCamelContext extension = context.getCamelContextExtension();
        String keywords = extension.getAdditionalSensitiveKeywords();
        if (keywords == null || keywords.isBlank()) {
            extension.setAdditionalSensitiveKeywords(SECRET_PARAMETER);
        } else if (!keywords.toLowerCase(Locale.ROOT).contains(SECRET_PARAMETER)) {
            extension.setAdditionalSensitiveKeywords(keywords + "," + SECRET_PARAMETER);
        }
        // the template's and request routes' {{halo.*}} placeholders resolve to the table's defaults when the host sets none
        ConnectorPropertyDefaults.addTo(context);
        context.getRegistry().bind(HaloEventsSources.BEAN, HaloEventsSources.class, () -> HaloEventsSources.start(context));
    }
}
