package io.haloconnector.syslog;

/** Undoes the connector's LEEF value escapes ({@code \\}, {@code \t}, {@code \n}, {@code \r}), as a QRadar custom property could. */
public final class LeefValues {
    private LeefValues() {
    }

    public static String unescape(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char next = value.charAt(++i);
            out.append(switch (next) {
                case '\\' -> '\\';
                case 't' -> '\t';
                case 'n' -> '\n';
                case 'r' -> '\r';
                default -> throw new IllegalArgumentException("\\" + next + " is not an escape the connector writes");
            });
        }
        return out.toString();
    }
}
