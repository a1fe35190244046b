package io.haloconnector.simulator;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/** The parsed parameters of one {@code GET /v1/events}: window, page, order and filters. */
final class EventQuery {

    static final int DEFAULT_PER_PAGE = 10;
    static final int MAX_PER_PAGE = 500;

    long sinceMicros = Long.MIN_VALUE;
    long untilMicros = Long.MAX_VALUE;
    int page = 1;
    int perPage = DEFAULT_PER_PAGE;
    boolean descending;
    boolean shuffled;
    Set<String> types;
    Boolean critical;
    String serverId;
    String groupId;
    String platform;

    /** Parses a raw (still URL-encoded) query string; unknown parameters are ignored as the API does. */
    static EventQuery parse(String rawQuery) {
        EventQuery query = new EventQuery();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return query;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            query.apply(name, value);
        }
        return query;
    }

    /** What an API that ignores {@code sort_by} or {@code until} answers instead. */
    void disobey(SimulatorConfig config) {
        switch (config.answerOrder()) {
            case REVERSED -> descending = !descending;
            case SHUFFLED -> shuffled = true;
            case AS_ASKED -> {
                // sort_by is honoured
            }
        }
        if (config.ignoresUntil()) {
            untilMicros = Long.MAX_VALUE;
        }
    }

    boolean hasFilters() {
        return types != null || critical != null || serverId != null || groupId != null || platform != null;
    }

    boolean matches(StoredEvent event) {
        return (types == null || types.contains(event.type()))
                && (critical == null || critical.equals(event.critical()))
                && (serverId == null || serverId.equals(event.serverId()))
                && (groupId == null || groupId.equals(event.groupId()))
                && (platform == null || platform.equals(event.platform()));
    }

    private void apply(String name, String value) {
        switch (name) {
            case "since" -> sinceMicros = timestamp(name, value);
            case "until" -> untilMicros = timestamp(name, value);
            case "page" -> page = number(name, value, 1, Integer.MAX_VALUE);
            case "per_page" -> perPage = number(name, value, 1, MAX_PER_PAGE);
            case "sort_by" -> descending = sortOrder(value);
            case "type" -> types = typeList(value);
            case "critical" -> critical = flag(name, value);
            case "server_id" -> serverId = value;
            case "group_id" -> groupId = value;
            case "server_platform" -> platform = value.toLowerCase(Locale.ROOT);
            default -> {
                // the real API ignores parameters it does not know
            }
        }
    }

    private static long timestamp(String name, String value) {
        try {
            return HaloTimestamps.parseQueryValue(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidParameterException(name, name + " must be an ISO-8601 date (2026-09-01) or date-time"
                    + " (2026-09-01T10:00:00.000Z), got '" + value + "'");
        }
    }

    private static int number(String name, String value, int min, int max) {
        try {
            int number = Integer.parseInt(value.trim());
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below with the accepted range
        }
        String range = max == Integer.MAX_VALUE ? "a whole number from " + min : "a whole number from " + min + " to "
                + max;
        throw new InvalidParameterException(name, name + " must be " + range + ", got '" + value + "'");
    }

    private static boolean sortOrder(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "created_at.asc" -> false;
            case "created_at.desc" -> true;
            default -> throw new InvalidParameterException("sort_by",
                    "sort_by must be created_at.asc or created_at.desc, got '" + value + "'");
        };
    }

    private static Boolean flag(String name, String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new InvalidParameterException(name, name + " must be true or false, got '" + value + "'");
        };
    }

    private static Set<String> typeList(String value) {
        Set<String> types = new HashSet<>();
        for (String type : value.split(",")) {
            if (!type.isBlank()) {
                types.add(type.trim().toLowerCase(Locale.ROOT));
            }
        }
        if (types.isEmpty()) {
            throw new InvalidParameterException("type", "type must list at least one event type, got '" + value + "'");
        }
        return types;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new InvalidParameterException(text, "malformed URL encoding in '" + text + "'");
        }
    }
}
