package io.haloconnector.splunkapp;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The eval subset and the event type matching that CimMappingTest relies on behave as Splunk's do. */
class SplEvalTest {

    private static final Map<String, List<String>> EVENT = Map.of(
            "type", List.of("lids_rule_failed"),
            "critical", List.of("True"),
            "message", List.of("line \"Failed password for admin from 203.0.113.7 port 22\""),
            "cves{}.CVSS", List.of("5.0", "10.0"),
            "empty_list", List.of());

    private static Object eval(String expression) {
        return SplEval.parse(expression).eval(EVENT);
    }

    @Test
    void nullSpreadsThroughJoinsAndFunctionsAndCountsAsFalse() {
        assertThat(eval("coalesce(missing, empty_list, type)")).isEqualTo("lids_rule_failed");
        assertThat(eval("\"a\" . missing")).isNull();
        assertThat(eval("lower(missing)")).isNull();
        assertThat(eval("case(missing == \"x\", \"one\", match(missing, \"x\"), \"two\")")).isNull();
        assertThat(eval("if(missing != \"x\", \"different\", \"not comparable\")")).isEqualTo("not comparable");
        assertThat(eval("if(NOT match(missing, \"x\") AND true(), \"yes\", \"no\")")).isEqualTo("yes");
        assertThat(SplEval.values(eval("null()"))).isEmpty();
    }

    @Test
    void functionsComputeWhatSplunksDo() {
        assertThat(eval("if(lower(critical) == \"true\", \"critical\", \"medium\")")).isEqualTo("critical");
        assertThat(eval("in(type, \"daemon_compromised\", \"lids_rule_failed\")")).isEqualTo(true);
        assertThat(eval("\"rule \" . type . \"!\"")).isEqualTo("rule lids_rule_failed!");
        assertThat(eval("replace(message, \".*\\bfrom (\\d{1,3}(\\.\\d{1,3}){3})\\b.*\", \"\\1\")")).isEqualTo("203.0.113.7");
        assertThat(eval("replace(\"C:\\\\Windows\\\\cmd.exe\", \"^.*[\\\\\\\\/]\", \"\")")).isEqualTo("cmd.exe");
        assertThat(eval("replace(\"a.b\", \"\\.\", \"$0\")")).as("$ in a replacement is literal").isEqualTo("a$0b");
        assertThat(eval("mvfind('cves{}.CVSS', \"^(9|10)(\\.\\d+)?$\")")).isEqualTo("1");
        assertThat(eval("mvfind('cves{}.CVSS', \"^[78]\")")).isNull();
        assertThat(eval("mvfind(type, \"ids\")")).as("one value is a list of one").isEqualTo("0");
        assertThat(SplEval.values(eval("'cves{}.CVSS'"))).containsExactly("5.0", "10.0");
    }

    @Test
    void whatThisEvalCannotVouchForIsRefused() {
        assertThatThrownBy(() -> SplEval.parse("mvindex(type, 0)")).hasMessageContaining("mvindex() is not covered");
        assertThatThrownBy(() -> eval("lower('cves{}.CVSS')")).hasMessageContaining("multivalue");
        assertThatThrownBy(() -> eval("if(type, 1, 2)")).hasMessageContaining("not true or false");
        assertThatThrownBy(() -> SplEval.parse("type == \"a\" +")).hasMessageContaining("unexpected text");
        assertThatThrownBy(() -> SplEval.values(eval("true()"))).hasMessageContaining("boolean");
    }

    @Test
    void eventTypeSearchesMatchEveryTermWithoutRegardToCaseAndRefuseOtherForms() {
        Map<String, List<String>> fields = Map.of("index", List.of("cloudpassage"), "critical", List.of("true"),
                "type", List.of("ghostport_success"));

        assertThat(SearchTime.matches("index=cloudpassage critical=TRUE", fields)).isTrue();
        assertThat(SearchTime.matches("index=cloudpassage type IN (\"halo_login_success\", \"ghostport_success\")", fields)).isTrue();
        assertThat(SearchTime.matches("index=cloudpassage type=\"halo_login_success\"", fields)).isFalse();
        assertThat(SearchTime.matches("index=other critical=true", fields)).isFalse();
        assertThatThrownBy(() -> SearchTime.matches("index=cloudpassage OR critical=true", fields)).hasMessageContaining("'OR");
        assertThatThrownBy(() -> SearchTime.matches("type=ghost*", fields)).hasMessageContaining("wildcards");
        assertThat(SearchTime.expandMacros("`outer` x=1", Map.of("outer", "`inner` sourcetype=cp_halo", "inner", "index=a")))
                .isEqualTo("index=a sourcetype=cp_halo x=1");
    }
}
