package io.haloconnector.account;

import io.haloconnector.poll.PageRequest;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import java.util.function.Function;

/**
 * A step of the shared routes (the poll template's steps, the page and token request routes)
 * done by the account on the exchange: the YAML names one bean, {@code fetchEventPage} say, and
 * each account's own instance runs it.
 */
final class AccountStep implements Processor {
    private final String name;
    private final Function<HaloAccount, Processor> step;

    AccountStep(String name, Function<HaloAccount, Processor> step) {
        this.name = name;
        this.step = step;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        step.apply(of(exchange, name)).process(exchange);
    }

    /** The account an exchange of a poll or of its requests belongs to. */
    static HaloAccount of(Exchange exchange, String step) {
        HaloAccount account = exchange.getProperty(PageRequest.ACCOUNT, HaloAccount.class);
        if (account == null) {
            throw new IllegalStateException(step + " runs for a Halo account: its route must start with the account's"
                    + " own step (process: ref: \"{{haloAccount}}\", see the halo-account template in halo-events.yaml)");
        }
        return account;
    }

    @Override
    public String toString() {
        return "AccountStep[" + name + "]";
    }
}
