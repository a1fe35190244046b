package io.haloconnector.simulator;

import io.haloconnector.simulator.ServerFleet.Server;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Makes realistic Halo events from a seed: the eleven types with their fields, messages with quotes,
 * backslashes and non-ASCII text, and bursts of scan findings that share one {@code created_at}.
 * Not thread-safe: one generator per thread.
 */
final class EventGenerator {

    private static final String[] TYPES = {
        "fim_signature_changed", "fim_object_missing", "fim_object_added", "sca_rule_failed",
        "vulnerable_software_package_found", "daemon_compromised", "server_firewall_modified_locally",
        "multiple_root_accounts", "lids_rule_failed", "halo_login_success", "issue_resolved"};
    private static final String[] NAMES = {
        "File Integrity object signature changed", "File Integrity object missing", "File Integrity object added",
        "Configuration rule matched", "Software vulnerability detected", "Daemon compromised",
        "Server firewall modified", "Multiple root accounts detected", "Log-based IDS rule matched",
        "Halo login success", "Issue resolved"};
    // per mille, the eight violation types take 80 %
    private static final int[] WEIGHTS = {180, 60, 90, 200, 180, 20, 40, 30, 80, 60, 60};
    private static final double[] CRITICAL_SHARE = {0.3, 0.4, 0.2, 0.25, -1, 1, 0.5, 1, 0.3, 0, 0.3};
    // a scan reports its findings in one burst: each module yields these types
    private static final int[][] SCAN_MODULES = {{0, 1, 2}, {3}, {4}, {8}};

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
    private static final String[] COUNTRIES = {"DE", "ES", "US", "CN", "IE", ""};
    private static final String[] ISSUERS = {"okta", "azure-ad", null, null};
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
        int[] module = SCAN_MODULES[random.nextInt(SCAN_MODULES.length)];
        long scanHigh = random.nextLong();
        long scanLow = random.nextLong();
        List<StoredEvent> burst = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            burst.add(event(module[random.nextInt(module.length)], createdAtMicros, server, scanHigh, scanLow));
        }
        return burst;
    }

    StoredEvent single(long createdAtMicros) {
        int type = pickType();
        Server server = servers.get(random.nextInt(servers.size()));
        return event(type, createdAtMicros, server, random.nextLong(), random.nextLong());
    }

    private int pickType() {
        int roll = random.nextInt(1000);
        for (int i = 0; i < WEIGHTS.length; i++) {
            roll -= WEIGHTS[i];
            if (roll < 0) {
                return i;
            }
        }
        return 0;
    }

    private StoredEvent event(int type, long createdAtMicros, Server server, long scanHigh, long scanLow) {
        long idHigh = random.nextLong();
        long idLow = random.nextLong();
        boolean onServer = type != 9;
        boolean windows = server.platform().equals("Windows");
        double worstCvss = 0;
        String packageName = null;
        double[] cvss = null;
        if (type == 4) {
            packageName = PACKAGES[random.nextInt(PACKAGES.length)];
            cvss = new double[1 + random.nextInt(3)];
            for (int i = 0; i < cvss.length; i++) {
                cvss[i] = (40 + random.nextInt(61)) / 10.0;
                worstCvss = Math.max(worstCvss, cvss[i]);
            }
        }
        boolean critical = type == 4 ? worstCvss >= 9.0 : random.nextDouble() < CRITICAL_SHARE[type];
        String path = pick(windows ? WINDOWS_PATHS : LINUX_PATHS);
        String policy = null;
        String rule = null;
        String object = null;
        String message;
        String host = server.hostname();
        switch (type) {
            case 0, 1, 2 -> {
                policy = pick(windows ? WINDOWS_FIM_POLICIES : FIM_POLICIES);
                object = path;
                message = NAMES[type] + " on server " + host + ": " + path + " (policy \"" + policy + "\")";
            }
            case 3 -> {
                policy = pick(windows ? WINDOWS_SCA_POLICIES : SCA_POLICIES);
                rule = pick(SCA_RULES);
                message = "Configuration rule matched on " + host + ": \"" + rule + "\" – policy " + policy;
            }
            case 4 -> message = "Software vulnerability detected on " + server.platform() + " server " + host
                    + ". Vulnerable package: " + packageName + " (worst CVSS " + worstCvss + ").";
            case 5 -> message = "Daemon compromised on " + host + ": process \"" + path + "\" replaced";
            case 6 -> {
                policy = pick(FIREWALL_POLICIES);
                message = "Server firewall modified locally on " + host + " – rule added outside policy " + policy;
            }
            case 7 -> message = "Multiple root accounts detected on " + host + ": root, toor, backdoor";
            case 8 -> {
                policy = pick(LIDS_POLICIES);
                rule = pick(LIDS_RULES);
                object = pick(LIDS_FILES);
                message = "Log-based IDS rule matched on " + host + ": \"" + rule + "\" in " + object
                        + " — line \"Failed password for invalid user admin from 203.0.113.7\"";
            }
            case 9 -> message = "Halo login success";
            default -> message = "SVA issue on " + server.platform() + " server " + host
                    + " resolved by system. Vulnerable package: " + pick(PACKAGES) + ".";
        }
        if (random.nextInt(20) == 0) {
            message += pick(EMOJI);
        }
        String user = type == 9 || type == 6 ? pick(USERS) : null;
        if (type == 9) {
            message = "Halo login success: user " + user + " from 203.0.113." + (1 + random.nextInt(250));
        }
        writer.reset();
        writer.beginObject()
                .hexField("id", idHigh, idLow)
                .field("type", TYPES[type])
                .field("name", NAMES[type])
                .field("created_at", HaloTimestamps.format(createdAtMicros))
                .field("critical", critical)
                .field("message", message);
        if (onServer) {
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
        writeActor(type, user);
        if (policy != null) {
            writer.field("policy_name", policy);
        }
        if (rule != null) {
            writer.field("rule_name", rule);
        }
        if (object != null) {
            writer.field("object_name", object);
        }
        if (type == 4) {
            writer.field("package_name", packageName).name("cves").beginArray();
            for (double score : cvss) {
                writer.beginObject()
                        .field("CVE", "CVE-" + (2019 + random.nextInt(7)) + "-" + (1000 + random.nextInt(49_000)))
                        .field("CVSS", score)
                        .endObject();
            }
            writer.endArray();
        }
        if (type <= 4 || type == 8) {
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
        return new StoredEvent(createdAtMicros, id, TYPES[type], critical, onServer ? server.id() : null,
                onServer ? server.group().id() : null, onServer ? (windows ? "windows" : "linux") : null,
                slab, offset, writer.length());
    }

    private void writeActor(int type, String user) {
        if (type == 9) {
            writer.field("actor_username", user)
                    .field("actor_key_id", null)
                    .field("actor_key_label", null)
                    .field("actor_ip_address", "203.0.113." + (1 + random.nextInt(250)))
                    .field("actor_country", pick(COUNTRIES))
                    .field("actor_issuer", pick(ISSUERS));
        } else if (type == 6) {
            writer.field("actor_username", user)
                    .field("actor_ip_address", null);
        } else if (type == 10) {
            writer.field("actor_key_label", "system")
                    .field("actor_country", "")
                    .field("actor_issuer", null)
                    .field("actor_ip_address", null);
        }
    }

    private String pick(String[] values) {
        return values[random.nextInt(values.length)];
    }
}
