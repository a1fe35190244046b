package io.haloconnector.testkit.postgres;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One PostgreSQL server for a test class ({@code @RegisterExtension static}), started before its
 * first test and stopped after its last, and a new empty database for each test that asks.
 */
public final class PostgresDatabases implements BeforeAllCallback, AfterAllCallback {
    private final AtomicInteger created = new AtomicInteger();
    private PostgresServer server;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        server = PostgresServer.launch();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.close();
        }
    }

    /** The running server. */
    public PostgresServer server() {
        return server;
    }

    /** A new empty database named {@code prefix_<n>}: its JDBC URL. */
    public String create(String prefix) throws Exception {
        return server.createDatabase(prefix + "_" + created.incrementAndGet());
    }
}
