package io.haloconnector.simulator;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The bearer tokens issued so far, each with its expiry on the monotonic clock. */
final class TokenRegistry {

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Long> expiryNanosByToken = new ConcurrentHashMap<>();
    private final Duration ttl;

    TokenRegistry(Duration ttl) {
        this.ttl = ttl;
    }

    String issue() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        String token = HexFormat.of().formatHex(bytes);
        expiryNanosByToken.put(token, System.nanoTime() + ttl.toNanos());
        return token;
    }

    boolean isValid(String token) {
        Long expiry = expiryNanosByToken.get(token);
        if (expiry == null) {
            return false;
        }
        if (System.nanoTime() - expiry >= 0) {
            expiryNanosByToken.remove(token);
            return false;
        }
        return true;
    }

    void revokeAll() {
        expiryNanosByToken.clear();
    }

    long ttlSeconds() {
        return ttl.toSeconds();
    }
}
