package io.haloconnector.simulator;

import io.haloconnector.simulator.ServerFleet.Server;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Makes realistic Halo events from a seed: every type the Splunk app maps and the others its dashboards
 * show, with their fields, messages with quotes, backslashes, HTML and non-ASCII text, and bursts of scan
 * findings that share one {@code created_at}. Not thread-safe: one generator per thread.
 *
 * <p>The types and their names are Halo's list of event types. A portal login carries the fields of
 * real halo_login_success events (actor_username, actor_ip_address, actor_country, no server), and an
 * API login those of real events made with an API key (actor_key_id, actor_key_label, actor_ip_address,
 * actor_country); the fields marked UNCONFIRMED are assumptions, as splunk-app/README.md says too.
 * Messages take the form of real ones ("... by Halo API key <strong>2f08af31 (label)</strong> from IP
 * address 52.8.10.254 (USA)."); for types without a real example their wording is made up.
 */
final class EventGenerator {

    /** A Halo event type: type, name, whether it happens on a server, weight among single events (per 10,000), critical share. */
    private enum Type {
        // the eight "violation" types take 75 % of single events, and nearly all bursts
        FIM_SIGNATURE_CHANGED("fim_signature_changed", "File Integrity object signature changed", true, 1650, 0.3),
        FIM_OBJECT_MISSING("fim_object_missing", "File Integrity object missing", true, 550, 0.4),
        FIM_OBJECT_ADDED("fim_object_added", "File Integrity object added", true, 850, 0.2),
        SCA_RULE_FAILED("sca_rule_failed", "Configuration rule matched", true, 1900, 0.25),
        // critical from a CVSS score of 9 on
        VULNERABLE_SOFTWARE_PACKAGE_FOUND("vulnerable_software_package_found", "Software vulnerability detected", true, 1700, 0),
        DAEMON_COMPROMISED("daemon_compromised", "Daemon compromised", true, 200, 1),
        SERVER_FIREWALL_MODIFIED_LOCALLY("server_firewall_modified_locally", "Server firewall modified", true, 400, 0.5),
        MULTIPLE_ROOT_ACCOUNTS("multiple_root_accounts", "Multiple root accounts detected", true, 300, 1),
        LIDS_RULE_FAILED("lids_rule_failed", "Log-based IDS rule matched", true, 750, 0.3),
        ISSUE_RESOLVED("issue_resolved", "Issue resolved", true, 500, 0.3),
        // fields as the other file integrity findings (UNCONFIRMED)
        FIM_TARGET_INTEGRITY_CHANGED("fim_target_integrity_changed", "File integrity change detected", true, 100, 0.3),
        // the account in object_name (UNCONFIRMED); seen by the agent, so no actor
        SERVER_ACCOUNT_CREATED("server_account_created", "Local account created", true, 50, 0.5),
        SERVER_ACCOUNT_DELETED("server_account_deleted", "Local account deleted", true, 30, 0.3),
        // logins: 8.5 % of single events together
        HALO_LOGIN_SUCCESS("halo_login_success", "Halo login success", false, 500, 0),
        HALO_LOGIN_FAILURE("halo_login_failure", "Halo login failure", false, 100, 0.2),
        API_LOGIN_SUCCESS("api_login_success", "Halo api authentication success", false, 130, 0),
        API_LOGIN_FAILURE("api_login_failure", "Halo api authentication failure", false, 30, 0.2),
        // the actor fields of a portal login, and no server (UNCONFIRMED)
        GHOSTPORT_SUCCESS("ghostport_success", "Ghostports login success", false, 60, 0),
        GHOSTPORT_FAILURE("ghostport_failure", "Ghostports login failure", false, 30, 0.3),
        // changes made in the Halo portal: the user who made them, the policy in policy_name
        FIREWALL_POLICY_CREATED("firewall_policy_created", "Halo firewall policy created", false, 20, 0),
        FIREWALL_POLICY_MODIFIED("firewall_policy_modified", "Halo firewall policy modified", false, 40, 0),
        FIREWALL_POLICY_DELETED("firewall_policy_deleted", "Halo firewall policy deleted", false, 20, 0),
        // the user who made the change, and the user changed in object_name (UNCONFIRMED)
        HALO_USER_INVITED("halo_user_invited", "Halo user invited", false, 20, 0),
        HALO_USER_MODIFIED("halo_user_modified", "Halo user modified", false, 30, 0),
        HALO_USER_DELETED("halo_user_deleted", "Halo user deleted", false, 20, 0),
        // the locked user is the actor, with the address of the failed logins (UNCONFIRMED)
        HALO_USER_LOCKED("halo_user_locked", "Halo user account locked", false, 20, 0.5);

        final String type;
        final String name;
        final boolean onServer;
        final int weight;
        final double criticalShare;

        Type(String type, String name, boolean onServer, int weight, double criticalShare) {
            this.type = type;
            this.name = name;
            this.onServer = onServer;
            this.weight = weight;
            this.criticalShare = criticalShare;
        }
    }

    private static final Type[] TYPES = Type.values();
    // the weights add up to 10,000
    private static final int WEIGHT_TOTAL = Arrays.stream(TYPES).mapToInt(type -> type.weight).sum();
    // a scan reports its findings in one burst: each module yields these types
    private static final Type[][] SCAN_MODULES = {
        {Type.FIM_SIGNATURE_CHANGED, Type.FIM_OBJECT_MISSING, Type.FIM_OBJECT_ADDED}, {Type.SCA_RULE_FAILED},
        {Type.VULNERABLE_SOFTWARE_PACKAGE_FOUND}, {Type.LIDS_RULE_FAILED}};

    private static final String[] LINUX_PATHS = {
        "/etc/passwd", "/etc/shadow", "/etc/ssh/sshd_config", "/etc/crontab", "/usr/bin/sudo", "/usr/sbin/sshd",
        "/var/www/html/index.php", "/home/jürgen/.bashrc", "/opt/app/config/\"prod\".yaml", "/etc/sudoers.d/90-cloud"};
    private static final String[] WINDOWS_PATHS = {
        "C:\\Windows\\System32\\drivers\\etc\\hosts", "C:\\Windows\\System32\\cmd.exe",
        "C:\\Program Files\\Büro App\\config.ini", "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run"};
    private static final String[] FIM_POLICIES = {
        "Linux FIM – Core System Files", "PCI FIM \"cardholder\" baseline", "Web Root Integrity"};
    private static final String[] WINDOWS_FIM_POLICIES = {"Windows FIM – Registry & System32"};
    private static final String[] SCA_POLICIES = {
        "CIS Benchmark – Ubuntu 22.04 L1", "CIS Benchmark – Amazon Linux 2", "PCI DSS 4.0 Hardening"};
    private static final String[] WINDOWS_SCA_POLICIES = {"Windows Server 2019 – Hardening"};
    private static final String[] SCA_RULES = {
        "Ensure SSH root login is disabled", "Ensure password expiration is 365 days or less",
        "Audit \"sudo\" usage", "Ensure permissions on /etc/crontab are 600", "Ensure rsyslog is installed",
        "Disable SMBv1 (C:\\Windows\\System32\\drivers\\mrxsmb10.sys)"};
    private static final String[] PACKAGES = {
        "openssl", "bash", "sudo", "glibc", "curl", "log4j-core", "adduser", "libxml2", "python3-urllib3", "zlib1g"};
    private static final String[] FIREWALL_POLICIES = {"Web Tier – Inbound 80/443", "Bastion – SSH only"};
    private static final String[] LIDS_POLICIES = {"Linux LIDS – auth.log", "Linux LIDS – nginx"};
    private static final String[] LIDS_RULES = {"Failed SSH logins", "Possible SQL injection in URI", "su to root"};
    private static final String[] LIDS_FILES = {"/var/log/auth.log", "/var/log/nginx/access.log", "/var/log/secure"};
    private static final String[] USERS = {
        "jürgen.müller@example.com", "ana.garcía@example.com", "ops-bot@example.com", "li.wei@example.com",
        "o'brien@example.com"};
    // as Halo writes them ("USA"); empty where it could not place the address
    private static final String[] COUNTRIES = {"USA", "DEU", "ESP", "CHN", "IRL", ""};
    private static final String[] ISSUERS = {"okta", "azure-ad", null, null};
    private static final String[] BROWSERS = {"Chrome on Windows", "Firefox on Linux", "Safari on Mac OS X"};
    // Halo's API key ids are 8 hex digits; each key has a label
    private static final String[] API_KEY_IDS = {"2f08af31", "5e8ca4b5", "c41d7a02"};
    private static final String[] API_KEY_LABELS = {"splunk-readonly", "Jenkins – deploy", "halo-connector \"prod\""};
    private static final String[] LOCAL_ACCOUNTS = {"deploy", "jenkins", "backup", "svc_app", "jürgen", "admin2"};
    private static final String[] EMOJI = {" ⚠️", " 🔥", " 😈", " ✅"};

    private final SplittableRandom random;
    private final List<Server> servers = ServerFleet.INSTANCE.servers();
    // events' JSON goes into large shared arrays: G1 never copies those, unlike a million small ones
    private static final int SLAB_BYTES = 4 << 20;

    private final JsonByteWriter writer = new JsonByteWriter(2048);
    private byte[] slab = new byte[0];
    private int slabUsed;

    EventGenerator(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** {@code count} events created in [from, to), in bursts and singles; not sorted. */
    List<StoredEvent> generate(long fromMicros, long toMicros, int count) {
        List<StoredEvent> events = new ArrayList<>(count);
        long spanMillis = Math.max(1, (toMicros - fromMicros) / 1_000);
        long fromMillis = Math.floorDiv(fromMicros + 999, 1_000);
        while (events.size() < count) {
            long createdAt = (fromMillis + random.nextLong(spanMillis)) * 1_000;
            if (createdAt >= toMicros) {
                createdAt = fromMicros;
            }
            if (random.nextInt(100) < 7) {
                events.addAll(burst(createdAt, Math.min(burstSize(), count - events.size())));
            } else {
                events.add(single(createdAt));
            }
        }
        return events;
    }

    /** Burst sizes from 2 to 60, small ones most common. */
    int burstSize() {
        double r = random.nextDouble();
        return 2 + (int) (58 * r * r * r);
    }

    /** The findings of one scan on one server: same created_at, same scan_id. */
    List<StoredEvent> burst(long createdAtMicros, int size) {
        Server server = servers.get(random.nextInt(servers.size()));
        Type[] module = SCAN_MODULES[random.nextInt(SCAN_MODULES.length)];
        long scanHigh = random.nextLong();
        long scanLow = random.nextLong();
        List<StoredEvent> burst = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            burst.add(event(module[random.nextInt(module.length)], createdAtMicros, server, scanHigh, scanLow));
        }
        return burst;
    }

    StoredEvent single(long createdAtMicros) {
        Type type = pickType();
        Server server = servers.get(random.nextInt(servers.size()));
        return event(type, createdAtMicros, server, random.nextLong(), random.nextLong());
    }

    private Type pickType() {
        int roll = random.nextInt(WEIGHT_TOTAL);
        for (Type type : TYPES) {
            roll -= type.weight;
            if (roll < 0) {
                return type;
            }
        }
        return TYPES[0];
    }

    /** Who did it, where Halo names someone: a Halo user or an API key, and the address they came from. */
    private record Actor(String username, String keyId, String keyLabel, String ipAddress, String country) {

        /** "from IP address 203.0.113.7 (USA)", as Halo's messages say it. */
        String from() {
            return "from IP address " + ipAddress + (country.isEmpty() ? "" : " (" + country + ")");
        }
    }

    private StoredEvent event(Type type, long createdAtMicros, Server server, long scanHigh, long scanLow) {
        long idHigh = random.nextLong();
        long idLow = random.nextLong();
        boolean windows = server.platform().equals("Windows");
        double worstCvss = 0;
        String packageName = null;
        double[] cvss = null;
        if (type == Type.VULNERABLE_SOFTWARE_PACKAGE_FOUND) {
            packageName = PACKAGES[random.nextInt(PACKAGES.length)];
            cvss = new double[1 + random.nextInt(3)];
            for (int i = 0; i < cvss.length; i++) {
                cvss[i] = (40 + random.nextInt(61)) / 10.0;
                worstCvss = Math.max(worstCvss, cvss[i]);
            }
        }
        boolean critical = type == Type.VULNERABLE_SOFTWARE_PACKAGE_FOUND ? worstCvss >= 9.0
                : random.nextDouble() < type.criticalShare;
        String path = pick(windows ? WINDOWS_PATHS : LINUX_PATHS);
        Actor actor = actor(type);
        String policy = null;
        String rule = null;
        String object = null;
        String message;
        String host = server.hostname();
        switch (type) {
            case FIM_SIGNATURE_CHANGED, FIM_OBJECT_MISSING, FIM_OBJECT_ADDED, FIM_TARGET_INTEGRITY_CHANGED -> {
                policy = pick(windows ? WINDOWS_FIM_POLICIES : FIM_POLICIES);
                object = path;
                message = type.name + " on server " + host + ": " + path + " (policy \"" + policy + "\")";
            }
            case SCA_RULE_FAILED -> {
                policy = pick(windows ? WINDOWS_SCA_POLICIES : SCA_POLICIES);
                rule = pick(SCA_RULES);
                message = "Configuration rule matched on " + host + ": \"" + rule + "\" – policy " + policy;
            }
            case VULNERABLE_SOFTWARE_PACKAGE_FOUND -> message = "Software vulnerability detected on " + server.platform()
                    + " server " + host + ". Vulnerable package: " + packageName + " (worst CVSS " + worstCvss + ").";
            case DAEMON_COMPROMISED -> message = "Daemon compromised on " + host + ": process \"" + path + "\" replaced";
            case SERVER_FIREWALL_MODIFIED_LOCALLY -> {
                policy = pick(FIREWALL_POLICIES);
                message = "Server firewall modified locally on " + host + " – rule added outside policy " + policy;
            }
            case MULTIPLE_ROOT_ACCOUNTS -> message = "Multiple root accounts detected on " + host + ": root, toor, backdoor";
            case LIDS_RULE_FAILED -> {
                policy = pick(LIDS_POLICIES);
                rule = pick(LIDS_RULES);
                object = pick(LIDS_FILES);
                message = "Log-based IDS rule matched on " + host + ": \"" + rule + "\" in " + object
                        + " — line \"Failed password for invalid user admin from 203.0.113.7\"";
            }
            case ISSUE_RESOLVED -> message = "SVA issue on " + server.platform() + " server " + host
                    + " resolved by system. Vulnerable package: " + pick(PACKAGES) + ".";
            case SERVER_ACCOUNT_CREATED, SERVER_ACCOUNT_DELETED -> {
                object = pick(LOCAL_ACCOUNTS);
                message = "Local account " + object + (type == Type.SERVER_ACCOUNT_CREATED ? " created" : " deleted")
                        + " on " + server.platform() + " server " + host + ".";
            }
            case HALO_LOGIN_SUCCESS -> message = "Halo user " + actor.username() + " logged into the Halo Portal using browser "
                    + pick(BROWSERS) + " " + actor.from() + ".";
            case HALO_LOGIN_FAILURE -> message = "Halo user " + actor.username()
                    + " failed to log into the Halo Portal using browser " + pick(BROWSERS) + " " + actor.from() + ".";
            case API_LOGIN_SUCCESS, API_LOGIN_FAILURE -> message = "Halo API key <strong>" + actor.keyId() + " ("
                    + actor.keyLabel() + ")</strong> " + (type == Type.API_LOGIN_SUCCESS ? "authenticated" : "failed to authenticate")
                    + " " + actor.from() + ".";
            case GHOSTPORT_SUCCESS, GHOSTPORT_FAILURE -> message = "Halo user " + actor.username()
                    + (type == Type.GHOSTPORT_SUCCESS ? " logged into" : " failed to log into") + " GhostPorts " + actor.from() + ".";
            case FIREWALL_POLICY_CREATED, FIREWALL_POLICY_MODIFIED, FIREWALL_POLICY_DELETED -> {
                policy = pick(FIREWALL_POLICIES);
                message = type.name + ": \"" + policy + "\" by Halo user " + actor.username() + " " + actor.from() + ".";
            }
            case HALO_USER_INVITED, HALO_USER_MODIFIED, HALO_USER_DELETED -> {
                object = otherUserThan(actor.username());
                message = type.name + ": " + object + ", by Halo user " + actor.username() + " " + actor.from() + ".";
            }
            case HALO_USER_LOCKED -> {
                object = actor.username();
                message = "Halo user account " + object + " locked after repeated failed logins " + actor.from() + ".";
            }
            default -> throw new IllegalStateException("no message for " + type);
        }
        if (random.nextInt(20) == 0) {
            message += pick(EMOJI);
        }
        writer.reset();
        writer.beginObject()
                .hexField("id", idHigh, idLow)
                .field("type", type.type)
                .field("name", type.name)
                .field("created_at", HaloTimestamps.format(createdAtMicros))
                .field("critical", critical)
                .field("message", message);
        if (type.onServer) {
            writer.field("server_id", server.id())
                    .field("server_hostname", host)
                    .field("server_label", server.label())
                    .field("server_ip_address", server.ipAddress())
                    .field("server_primary_ip_address", server.primaryIpAddress())
                    .field("server_reported_fqdn", server.reportedFqdn())
                    .field("server_platform", server.platform())
                    .field("server_group_name", server.group().name());
            if (server.ec2InstanceId() != null) {
                writer.field("ec2_instance_id", server.ec2InstanceId())
                        .field("ec2_account_id", server.ec2AccountId());
            }
        }
        writeActor(type, actor);
        if (policy != null) {
            writer.field("policy_name", policy);
        }
        if (rule != null) {
            writer.field("rule_name", rule);
        }
        if (object != null) {
            writer.field("object_name", object);
        }
        if (type == Type.VULNERABLE_SOFTWARE_PACKAGE_FOUND) {
            writer.field("package_name", packageName).name("cves").beginArray();
            for (double score : cvss) {
                writer.beginObject()
                        .field("CVE", "CVE-" + (2019 + random.nextInt(7)) + "-" + (1000 + random.nextInt(49_000)))
                        .field("CVSS", score)
                        .endObject();
            }
            writer.endArray();
        }
        if (isScanFinding(type)) {
            writer.hexField("scan_id", scanHigh, scanLow)
                    .hexField("finding_id", random.nextLong(), random.nextLong());
        }
        writer.endObject();
        if (slab.length - slabUsed < writer.length()) {
            slab = new byte[Math.max(SLAB_BYTES, writer.length())];
            slabUsed = 0;
        }
        int offset = slabUsed;
        writer.copyTo(slab, offset);
        slabUsed += writer.length();
        String id = JsonByteWriter.hex(idHigh, idLow);
        return new StoredEvent(createdAtMicros, id, type.type, critical, type.onServer ? server.id() : null,
                type.onServer ? server.group().id() : null, type.onServer ? (windows ? "windows" : "linux") : null,
                slab, offset, writer.length());
    }

    private static boolean isScanFinding(Type type) {
        return switch (type) {
            case FIM_SIGNATURE_CHANGED, FIM_OBJECT_MISSING, FIM_OBJECT_ADDED, FIM_TARGET_INTEGRITY_CHANGED, SCA_RULE_FAILED,
                    VULNERABLE_SOFTWARE_PACKAGE_FOUND, LIDS_RULE_FAILED -> true;
            default -> false;
        };
    }

    /** The Halo user or API key an event of this type names, or null where Halo names none. */
    private Actor actor(Type type) {
        return switch (type) {
            case API_LOGIN_SUCCESS, API_LOGIN_FAILURE -> {
                int key = random.nextInt(API_KEY_IDS.length);
                yield new Actor(null, API_KEY_IDS[key], API_KEY_LABELS[key], documentationAddress(), pick(COUNTRIES));
            }
            case SERVER_FIREWALL_MODIFIED_LOCALLY -> new Actor(pick(USERS), null, null, null, null);
            case HALO_LOGIN_SUCCESS, HALO_LOGIN_FAILURE, GHOSTPORT_SUCCESS, GHOSTPORT_FAILURE, FIREWALL_POLICY_CREATED,
                    FIREWALL_POLICY_MODIFIED, FIREWALL_POLICY_DELETED, HALO_USER_INVITED, HALO_USER_MODIFIED, HALO_USER_DELETED,
                    HALO_USER_LOCKED -> new Actor(pick(USERS), null, null, documentationAddress(), pick(COUNTRIES));
            default -> null;
        };
    }

    private void writeActor(Type type, Actor actor) {
        if (type == Type.ISSUE_RESOLVED) {
            writer.field("actor_key_label", "system")
                    .field("actor_country", "")
                    .field("actor_issuer", null)
                    .field("actor_ip_address", null);
        } else if (type == Type.SERVER_FIREWALL_MODIFIED_LOCALLY) {
            writer.field("actor_username", actor.username())
                    .field("actor_ip_address", null);
        } else if (actor != null && actor.keyId() != null) {
            writer.field("actor_key_id", actor.keyId())
                    .field("actor_key_label", actor.keyLabel())
                    .field("actor_ip_address", actor.ipAddress())
                    .field("actor_country", actor.country());
        } else if (actor != null) {
            writer.field("actor_username", actor.username())
                    .field("actor_ip_address", actor.ipAddress())
                    .field("actor_country", actor.country());
            if (type == Type.HALO_LOGIN_SUCCESS || type == Type.HALO_LOGIN_FAILURE) {
                // the single sign-on provider, for users who log in through one
                writer.field("actor_issuer", pick(ISSUERS));
            }
        }
    }

    /** An address of 203.0.113.0/24, kept for documentation: never a real user's. */
    private String documentationAddress() {
        return "203.0.113." + (1 + random.nextInt(250));
    }

    private String otherUserThan(String user) {
        String other = pick(USERS);
        while (other.equals(user)) {
            other = pick(USERS);
        }
        return other;
    }

    private String pick(String[] values) {
        return values[random.nextInt(values.length)];
    }
}
