package io.haloconnector.syslog;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.haloconnector.halo.HaloJson;

import java.time.Instant;

/** Halo events whose values hold what breaks a careless CEF or LEEF writer. */
public final class HostileEvents {
    /** Pipes, equals signs, backslashes, every kind of line break, a tab, non-ASCII and a 10 KB run. */
    public static final String HOSTILE = "a|b=c\\d\\\\e \\| \\= \\n\nline two\r\nline three\rtab\there Jürgen 日本語 😀 ";
    public static final String TEN_KB = "x=|\\".repeat(2560);

    private HostileEvents() {
    }

    public static ObjectNode event(String id, Instant createdAt) {
        ObjectNode event = HaloJson.MAPPER.createObjectNode();
        event.put("id", id);
        event.put("type", "sca_rule_failed");
        event.put("name", "Rule | with \\ pipe\nand newline");
        event.put("created_at", createdAt.toString());
        event.put("critical", true);
        event.put("message", HOSTILE + TEN_KB);
        event.put("server_primary_ip_address", "10.1.2.3");
        event.put("actor_ip_address", "not an address");
        event.put("actor_username", "DOMAIN\\jürgen=admin");
        event.put("server_reported_fqdn", "web-1.example.com");
        event.put("server_hostname", "web-1");
        event.put("policy_name", "CIS = Level|1\tstrict");
        event.put("rule_name", "key=value\\n is literal");
        event.put("server_group_name", "Prod\n\"Group\"");
        return event;
    }
}
