package io.haloconnector.testkit;

import java.util.LinkedHashMap;
import java.util.Map;

/** The text of an accounts file (routes/halo-accounts.yaml): one templatedRoute of the halo-account template per account. */
public final class AccountsFile {
    private final StringBuilder yaml = new StringBuilder();

    /**
     * Adds one account.
     *
     * @param secretFrom the environment variable or property that holds its secret
     * @param optional   further template parameters (url, start, stateKey, index, ...), in order
     */
    public AccountsFile account(String name, String key, String secretFrom, Map<String, String> optional) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("account", name);
        parameters.put("key", key);
        parameters.put("secretFrom", secretFrom);
        parameters.putAll(optional);
        yaml.append("- templatedRoute:\n")
                .append("    routeTemplateRef: halo-account\n")
                .append("    routeId: halo-events-").append(name).append('\n')
                .append("    parameters:\n");
        parameters.forEach((parameter, value) -> yaml.append("      - name: ").append(parameter).append('\n')
                .append("        value: \"").append(value).append("\"\n"));
        return this;
    }

    @Override
    public String toString() {
        return yaml.toString();
    }
}
