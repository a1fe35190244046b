package io.haloconnector.splunkapp;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The Splunk app package that {@code mvn package} built (runs after package, under failsafe). */
class PackageIT {

    @Test
    void theBuiltPackageHasOneTopFolderWithAppConfInsideAndExactlyTheAppsFiles() throws IOException {
        Path tgz = Path.of("target", SplunkApp.APP_ID + "-" + SplunkConfFilesTest.projectVersion() + ".tgz");
        assertThat(tgz).as("mvn package builds the Splunk app package").exists();

        List<String> entries = PackageTest.tarEntryNames(tgz);

        assertThat(entries).isNotEmpty().allMatch(name -> name.startsWith(SplunkApp.APP_ID + "/"));
        assertThat(entries).contains(SplunkApp.APP_ID + "/default/app.conf", SplunkApp.APP_ID + "/metadata/default.meta",
                SplunkApp.APP_ID + "/default/props.conf");
        // the package holds exactly the folder's files (directories aside) and the connector jar the input runs
        List<String> packagedFiles = entries.stream().filter(name -> !name.endsWith("/"))
                .map(name -> name.substring(SplunkApp.APP_ID.length() + 1)).sorted().toList();
        List<String> expected = new java.util.ArrayList<>(SplunkApp.files());
        expected.add("lib/halo-connector.jar");
        assertThat(packagedFiles).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(Files.size(tgz)).isPositive();
    }
}
