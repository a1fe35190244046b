package io.haloconnector.syslog;

import io.haloconnector.halo.EventFields;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * The one mapping of Halo event fields to CEF and LEEF keys (with the length ArcSight's Extension
 * Dictionary gives each CEF key), and of an event to its severity: the table docs/siem-formats.md
 * shows, in the same order. {@link CefFormat} and {@link LeefFormat}
 * write what it says and nothing else.
 */
public enum SiemFields {
    // the CEF lengths are ArcSight's Extension Dictionary's; src and dst (IPv4 addresses) have none: 0
    ID("id", "externalId", 40, null, "externalId"),
    TYPE("type", "cat", 1023, null, "cat"),
    SERVER_PRIMARY_IP("server_primary_ip_address", "dst", 0, null, "dst"),
    ACTOR_IP("actor_ip_address", "src", 0, null, "src"),
    ACTOR_USERNAME("actor_username", "duser", 1023, null, "usrName"),
    SERVER_FQDN("server_reported_fqdn", "dvchost", 100, null, "identHostName"),
    SERVER_HOSTNAME("server_hostname", "dhost", 1023, null, "server_hostname"),
    POLICY("policy_name", "cs1", 4000, "Policy Name", "policy_name"),
    RULE("rule_name", "cs2", 4000, "Rule Name", "rule_name"),
    OBJECT("object_name", "cs3", 4000, "Object Name", "object_name"),
    SERVER_GROUP("server_group_name", "cs4", 4000, "Server Group", "server_group_name"),
    MESSAGE("message", "msg", 1023, null, "msg");

    /** ArcSight's length of a cs1Label to cs6Label value. */
    public static final int CEF_LABEL_LENGTH = 1023;
    /** ArcSight's length of the CEF header's Name. */
    public static final int CEF_NAME_LENGTH = 512;
    /** CEF key of created_at, in epoch milliseconds. */
    public static final String CEF_TIME = "rt";
    /** LEEF keys of created_at and of its format (a Java date pattern, as QRadar reads it). */
    public static final String LEEF_TIME = "devTime";
    public static final String LEEF_TIME_FORMAT = "devTimeFormat";
    public static final String LEEF_TIME_PATTERN = "yyyy-MM-dd'T'HH:mm:ss.SSSZ";
    /** LEEF key of the severity (1 to 10; CEF's 0 is written as 1). */
    public static final String LEEF_SEVERITY = "sev";

    /** Severity 0 to 10 of an event that is not critical, by type; a type not listed gets {@link #OTHER_SEVERITY}. */
    static final Map<String, Integer> SEVERITY_BY_TYPE = Map.ofEntries(
            Map.entry("daemon_compromised", 8),
            Map.entry("multiple_root_accounts", 7),
            Map.entry("vulnerable_software_package_found", 6),
            Map.entry("lids_rule_failed", 6),
            Map.entry("server_firewall_modified_locally", 6),
            Map.entry("halo_user_locked", 6),
            Map.entry("sca_rule_failed", 5),
            Map.entry("fim_signature_changed", 5),
            Map.entry("fim_object_missing", 5),
            Map.entry("fim_object_added", 5),
            Map.entry("fim_target_integrity_changed", 5),
            Map.entry("halo_login_failure", 5),
            Map.entry("api_login_failure", 5),
            Map.entry("ghostport_failure", 5),
            Map.entry("server_account_created", 4),
            Map.entry("server_account_deleted", 4),
            Map.entry("firewall_policy_created", 3),
            Map.entry("firewall_policy_modified", 3),
            Map.entry("firewall_policy_deleted", 3),
            Map.entry("halo_user_invited", 3),
            Map.entry("halo_user_modified", 3),
            Map.entry("halo_user_deleted", 3),
            Map.entry("halo_login_success", 2),
            Map.entry("api_login_success", 2),
            Map.entry("ghostport_success", 2),
            Map.entry("issue_resolved", 1));
    static final int OTHER_SEVERITY = 3;

    private static final Pattern IPV4 = Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern SIGNATURE = Pattern.compile("[A-Za-z0-9_.:-]{1,100}");

    private final String halo;
    private final String cef;
    private final int cefLength;
    private final String cefLabel;
    private final String leef;

    SiemFields(String halo, String cef, int cefLength, String cefLabel, String leef) {
        this.halo = halo;
        this.cef = cef;
        this.cefLength = cefLength;
        this.cefLabel = cefLabel;
        this.leef = leef;
    }

    public String halo() {
        return halo;
    }

    public String cef() {
        return cef;
    }

    /**
     * The most characters (Java chars, UTF-16 code units) ArcSight's Extension Dictionary lets the CEF
     * key hold, before escaping; 0 for an address key, which has no length.
     */
    public int cefLength() {
        return cefLength;
    }

    /** The value of CEF's {@code <key>Label} for a custom string (cs1 to cs6), or null. */
    public String cefLabel() {
        return cefLabel;
    }

    public String leef() {
        return leef;
    }

    /**
     * The field's value as text, or null when the event lacks it, holds null or an empty string, or
     * (src, dst) holds no IPv4 address: ArcSight and QRadar reject other text in an address field.
     * A value that is not a string is written as the event holds it (a number, {@code true}, an object's JSON).
     */
    public String valueIn(EventFields event) {
        String text = event.text(halo);
        if (text == null || text.isEmpty()) {
            return null;
        }
        if ((this == SERVER_PRIMARY_IP || this == ACTOR_IP) && !IPV4.matcher(text).matches()) {
            return null;
        }
        return text;
    }

    /**
     * CEF severity 0 to 10: the type's level, raised for an event Halo marks {@code critical} to at
     * least 8 and by 3 above the type's level (so a critical compromise outranks a critical rule).
     */
    public static int severity(String type, boolean critical) {
        int base = SEVERITY_BY_TYPE.getOrDefault(type, OTHER_SEVERITY);
        return critical ? Math.min(10, Math.max(8, base + 3)) : base;
    }

    /** RFC 5424 severity of a CEF severity: 2 critical, 3 error, 4 warning, 5 notice, 6 informational. */
    public static int syslogSeverity(int cefSeverity) {
        if (cefSeverity >= 9) {
            return 2;
        }
        if (cefSeverity >= 7) {
            return 3;
        }
        if (cefSeverity >= 5) {
            return 4;
        }
        return cefSeverity >= 3 ? 5 : 6;
    }

    /** The signature id (CEF) or event id (LEEF): the event type, stable for every event of a type. */
    public static String signatureId(String type) {
        return type != null && SIGNATURE.matcher(type).matches() ? type : "unknown";
    }
}
