package io.haloconnector.account;

import org.apache.camel.Exchange;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;

/**
 * The idempotent consumer's repository in the shared poll template: each call goes to the
 * delivered ids of the account on the exchange, so accounts never drop each other's events.
 * Camel's idempotent consumer passes the exchange with every call; a call without one has no
 * account to go to and is refused.
 */
final class AccountDeliveredEvents extends ServiceSupport implements IdempotentRepository {
    private static final String STEP = "the idempotent consumer's deliveredEvents";

    @Override
    public boolean add(Exchange exchange, String id) {
        return AccountStep.of(exchange, STEP).delivered().add(id);
    }

    @Override
    public boolean contains(Exchange exchange, String id) {
        return AccountStep.of(exchange, STEP).delivered().contains(id);
    }

    @Override
    public boolean remove(Exchange exchange, String id) {
        return AccountStep.of(exchange, STEP).delivered().remove(id);
    }

    @Override
    public boolean confirm(Exchange exchange, String id) {
        return AccountStep.of(exchange, STEP).delivered().confirm(id);
    }

    @Override
    public boolean add(String id) {
        throw withoutExchange();
    }

    @Override
    public boolean contains(String id) {
        throw withoutExchange();
    }

    @Override
    public boolean remove(String id) {
        throw withoutExchange();
    }

    @Override
    public boolean confirm(String id) {
        throw withoutExchange();
    }

    @Override
    public void clear() {
        throw withoutExchange();
    }

    private static UnsupportedOperationException withoutExchange() {
        return new UnsupportedOperationException("the delivered ids are per Halo account: call with the exchange");
    }
}
