package io.haloconnector.syslog;

import io.haloconnector.halo.EventFields;
import io.haloconnector.halo.HaloEvent;

import java.nio.charset.StandardCharsets;

/** {@code syslog.format=json}: the Halo event unchanged, one JSON object, for Graylog, Elastic and others. */
public final class JsonFormat extends SyslogPayloadFormat {
    @Override
    String payload(HaloEvent event, EventFields fields, int severity) {
        return new String(event.json(), StandardCharsets.UTF_8);
    }
}
