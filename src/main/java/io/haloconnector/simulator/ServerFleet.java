package io.haloconnector.simulator;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The fixed set of servers and server groups that generated events report on. It does not depend
 * on the generation seed, so server and group ids stay the same across generate calls and filters.
 */
final class ServerFleet {

    /** One server group; {@code id} is what the {@code group_id} filter matches. */
    record Group(String name, String id) {
    }

    /** One watched server with the server_* and ec2_* fields of its events. */
    record Server(String id, String hostname, String label, String ipAddress, String primaryIpAddress,
                  String reportedFqdn, String platform, Group group, String ec2InstanceId, String ec2AccountId) {
    }

    private static final String[] GROUP_NAMES = {
        "Production", "Staging", "PCI – Cardholder Data", "Büro München", "Windows Domain Controllers"};
    private static final String[] LINUX_ROLES = {"web", "db", "cache", "queue", "bastion", "k8s-node"};
    private static final String[] WINDOWS_ROLES = {"win-dc", "win-iis", "win-sql"};

    // after the name tables: the constructor reads them
    static final ServerFleet INSTANCE = new ServerFleet();

    private final List<Group> groups;
    private final List<Server> servers;

    private ServerFleet() {
        SplittableRandom random = new SplittableRandom(0x5EEDF1EE7L);
        List<Group> groupList = new ArrayList<>();
        for (String name : GROUP_NAMES) {
            groupList.add(new Group(name, JsonByteWriter.hex(random.nextLong(), random.nextLong())));
        }
        List<Server> serverList = new ArrayList<>();
        for (int i = 0; i < 48; i++) {
            boolean windows = i % 6 == 5;
            String role = windows ? WINDOWS_ROLES[i % WINDOWS_ROLES.length] : LINUX_ROLES[i % LINUX_ROLES.length];
            String hostname = role + "-" + (i + 1);
            Group group = windows ? groupList.get(4) : groupList.get(i % 4);
            boolean onEc2 = i % 5 != 0;
            String domain = group.name().equals("Staging") ? "stage.example.com" : "prod.example.com";
            serverList.add(new Server(
                    JsonByteWriter.hex(random.nextLong(), random.nextLong()),
                    hostname,
                    i % 7 == 0 ? null : hostname,
                    (34 + i % 20) + "." + random.nextInt(256) + "." + random.nextInt(256) + "." + (1 + random.nextInt(254)),
                    "10.0." + (i / 16) + "." + (10 + i),
                    i % 9 == 0 ? "localhost" : hostname + "." + domain,
                    windows ? "Windows" : "Linux",
                    group,
                    onEc2 ? "i-0" + Long.toHexString(random.nextLong() | (1L << 60)).substring(0, 16) : null,
                    onEc2 ? (i % 2 == 0 ? "123456789012" : "210987654321") : null));
        }
        this.groups = Collections.unmodifiableList(groupList);
        this.servers = Collections.unmodifiableList(serverList);
    }

    List<Server> servers() {
        return servers;
    }

    Map<String, String> groupIdsByName() {
        Map<String, String> ids = new LinkedHashMap<>();
        groups.forEach(group -> ids.put(group.name(), group.id()));
        return ids;
    }
}
