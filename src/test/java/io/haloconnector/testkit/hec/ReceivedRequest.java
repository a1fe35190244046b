package io.haloconnector.testkit.hec;

import java.util.Locale;
import java.util.Map;

/** One HTTP request as read off a connection: header names in lower case, the query decoded. */
record ReceivedRequest(String method, String path, Map<String, String> query, Map<String, String> headers, byte[] body) {

    String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }
}
