package io.haloconnector.account;

import io.haloconnector.poll.PageRequest;
import org.apache.camel.Exchange;

/**
 * The steps of the routes every account's exchanges pass through (the page and token requests,
 * the output page): one route serves all accounts, so each step runs for the account the poll's
 * first step put on the exchange. The poll's own steps are the account's template bean's
 * ({@link AccountPoll}); only these few look the account up.
 */
public final class AccountOnExchange {
    /** The registry name the shared routes call it by. */
    public static final String BEAN = "accountOnExchange";

    /** After a 429, request starts are spaced at 80% of the rate that met it. */
    public void requestPacing(Exchange exchange) throws Exception {
        of(exchange).requestPacing.process(exchange);
    }

    /** Authorization: Bearer with the account's cached token (a new one when needed). */
    public void bearerToken(Exchange exchange) throws Exception {
        of(exchange).tokens.process(exchange);
    }

    /** The token request route's step: POST grant_type=client_credentials with the account's key as Basic authorization. */
    public void tokenRequest(Exchange exchange) {
        of(exchange).tokens.tokenRequest(exchange);
    }

    /** The events answer classified: the page, a new token and one repeat, or the failure. */
    public void eventsAnswer(Exchange exchange) throws Exception {
        of(exchange).eventsAnswer.process(exchange);
    }

    /** The output route returned: the pages delivered so far, in page order, are committed. */
    public void commitPages(Exchange exchange) throws Exception {
        of(exchange).commitPages.process(exchange);
    }

    /** The output route threw: the page and every page after it stay uncommitted, and the poll ends. */
    public void pageFailed(Exchange exchange) throws Exception {
        of(exchange).pageFailed.process(exchange);
    }

    /** The account an exchange of a poll, of its requests or of its output pages belongs to. */
    static HaloAccount of(Exchange exchange) {
        HaloAccount account = exchange.getProperty(PageRequest.ACCOUNT, HaloAccount.class);
        if (account == null) {
            throw new IllegalStateException("a shared Halo route ran without an account: the poll route must start with"
                    + " the account's own step (bean: {ref: \"{{haloAccount}}\", method: forAccount})");
        }
        return account;
    }

    @Override
    public String toString() {
        return "AccountOnExchange";
    }
}
