package io.haloconnector.app;

import io.haloconnector.config.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Which properties file and which routes the standalone connector reads: --config, else
 * HALO_CONNECTOR_CONFIG, else the working folder's application.properties; the routes beside the
 * file, else ./routes, else the packed ones. The user's file comes before the packed defaults.
 */
class UserConfigurationTest {
    @TempDir
    Path work;

    @Test
    void theWorkingFoldersFileAndRoutesComeBeforeThePackedOnes() throws Exception {
        Path file = Files.writeString(work.resolve("application.properties"), "halo.perPage = 100\n");
        Files.createDirectories(work.resolve("routes"));

        UserConfiguration user = UserConfiguration.locate(null, null, work);

        assertThat(user.file()).isEqualTo(file);
        assertThat(user.propertiesLocations()).isEqualTo("file:" + file + "," + ConnectorMain.PACKED_DEFAULTS);
        assertThat(user.routesIncludePattern()).isEqualTo("file:" + work.resolve("routes") + "/*.yaml");
    }

    @Test
    void anEmptyWorkingFolderRunsOnThePackedDefaultsAndRoutes() {
        UserConfiguration user = UserConfiguration.locate(null, "", work);

        assertThat(user.file()).isNull();
        assertThat(user.propertiesLocations()).isEqualTo(ConnectorMain.PACKED_DEFAULTS);
        assertThat(user.routesIncludePattern()).isEqualTo("classpath:io/haloconnector/routes/*.yaml");
        assertThat(user.describe()).contains("no application.properties in the working folder");
    }

    @Test
    void configBeatsTheVariableWhichBeatsTheWorkingFolderAndTheRoutesBesideTheNamedFileWin() throws Exception {
        Files.writeString(work.resolve("application.properties"), "halo.perPage = 100\n");
        Files.createDirectories(work.resolve("routes"));
        Path etc = Files.createDirectories(work.resolve("etc"));
        Path named = Files.writeString(etc.resolve("halo.properties"), "halo.perPage = 200\n");
        Path variable = Files.writeString(work.resolve("other.properties"), "halo.perPage = 300\n");

        UserConfiguration byArgument = UserConfiguration.locate("etc/halo.properties", variable.toString(), work);
        assertThat(byArgument.file()).isEqualTo(named);
        assertThat(byArgument.routesFrom()).as("no routes/ beside it: ./routes").isEqualTo(work.resolve("routes"));

        Files.createDirectories(etc.resolve("routes"));
        assertThat(UserConfiguration.locate(named.toString(), null, work).routesFrom()).isEqualTo(etc.resolve("routes"));
        assertThat(UserConfiguration.locate(null, variable.toString(), work).file()).isEqualTo(variable);
    }

    @Test
    void aNamedFileThatIsNotThereOrIsAFolderIsRefusedInOneLine() throws Exception {
        assertThatThrownBy(() -> UserConfiguration.locate("missing.properties", null, work))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("--config missing.properties: no such file (" + work.resolve("missing.properties")
                        + "): name an existing properties file");
        assertThatThrownBy(() -> UserConfiguration.locate(null, "/etc/nowhere/application.properties", work))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("HALO_CONNECTOR_CONFIG=/etc/nowhere/application.properties: no such file");
        assertThatThrownBy(() -> UserConfiguration.locate(work.toString(), null, work))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("--config " + work + " is a folder: name the properties file in it, such as "
                        + work.resolve("application.properties"));
    }
}
