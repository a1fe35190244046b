package io.haloconnector.config;

import org.apache.camel.CamelContext;
import org.apache.camel.component.http.HttpComponent;

/**
 * What the connector needs of camel-http's {@code http} and {@code https} components, whatever
 * the runtime's configuration: no automatic retries (HttpClient would repeat a 429 or 503 on its
 * own after Retry-After, unseen and unbounded, beside the routes' own retries) and no redirects (a
 * redirect would carry the bearer or HEC token to another host).
 */
public final class HttpComponentDefaults {

    private HttpComponentDefaults() {
    }

    public static void applyTo(CamelContext context) {
        for (String scheme : new String[] {"http", "https"}) {
            HttpComponent http = context.getComponent(scheme, HttpComponent.class);
            http.setAutomaticRetriesDisabled(true);
            http.setRedirectHandlingDisabled(true);
        }
    }
}
