package io.haloconnector.ops;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The commands' argument reader: options with a value either way, flags, words, and one line for what it does not take. */
class CommandArgumentsTest {
    private static final Set<String> VALUES = Set.of("--account", "--config");
    private static final Set<String> FLAGS = Set.of("--json");

    private static CommandArguments read(String... args) {
        return CommandArguments.read("state", List.of(args), VALUES, FLAGS);
    }

    @Test
    void readsOptionsWithTheirValueAsTheNextArgumentOrAfterAnEqualsSignFlagsAndWordsInOrder() {
        CommandArguments read = read("set-cursor", "--account", "staging", "--config=/etc/halo/application.properties",
                "2026-12-01T00:00:00Z", "--json");
        assertThat(read.words()).containsExactly("set-cursor", "2026-12-01T00:00:00Z");
        assertThat(read.value("--account")).contains("staging");
        assertThat(read.value("--config")).contains("/etc/halo/application.properties");
        assertThat(read.flag("--json")).isTrue();
        assertThat(read.help()).isFalse();
        assertThat(read("show", "-h").help()).isTrue();
    }

    @Test
    void whatItDoesNotTakeIsOneLineNamingIt() {
        assertThatThrownBy(() -> read("show", "--acount", "a")).isInstanceOf(CommandLineException.class)
                .hasMessage("state: unknown option --acount: expected --account, --config, --json or --help");
        assertThatThrownBy(() -> read("show", "--account")).hasMessage("state: --account needs a value: --account VALUE");
        assertThatThrownBy(() -> read("show", "--account", "--json")).hasMessage("state: --account needs a value: --account VALUE");
        assertThatThrownBy(() -> read("show", "--account", "a", "--account=b")).hasMessage("state: --account is given twice: give it once");
        assertThatThrownBy(() -> read("show", "--json=true")).hasMessageStartingWith("state: unknown option --json:");
        assertThatThrownBy(() -> read("show", "-x")).hasMessage("state: unknown option -x: options start with -- (state --help)");
        assertThatThrownBy(() -> read("show", "extra").atMostWords(1)).hasMessage("state: unexpected argument extra (state --help)");
    }
}
