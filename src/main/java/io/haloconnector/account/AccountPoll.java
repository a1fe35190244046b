package io.haloconnector.account;

import org.apache.camel.Exchange;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;

/**
 * One Halo account's poll steps and delivered ids, as its route template's own bean: {@code haloAccount}
 * of the standalone's {@code halo-account} template ({@link HaloAccounts#open}) and {@code haloSource}
 * of the {@code halo-events-source} Kamelet. The template's steps call it by method
 * ({@code bean: {ref: "{{haloAccount}}", method: openPollWindow}}) and its idempotent consumer uses
 * it as the repository, so nothing looks the account up from the exchange. Its first step still puts
 * the account on the exchange: the shared page, token and output routes serve every account.
 */
public final class AccountPoll extends ServiceSupport implements IdempotentRepository {
    private final HaloAccount account;
    private final Runnable release;

    public AccountPoll(HaloAccount account) {
        this(account, () -> { });
    }

    /** {@code release} runs when the route that holds it is removed (its idempotent consumer shuts it down). */
    public AccountPoll(HaloAccount account, Runnable release) {
        this.account = account;
        this.release = release;
    }

    @Override
    protected void doShutdown() {
        release.run();
    }

    public HaloAccount account() {
        return account;
    }

    /** The poll's first step: the account, for the shared routes. */
    public void forAccount(Exchange exchange) {
        account.process(exchange);
    }

    /** since = checkpoint cursor (minus the overlap), until = now minus the safety lag. */
    public void openPollWindow(Exchange exchange) throws Exception {
        account.openPollWindow.process(exchange);
    }

    /** The current page, with the next pages already in flight; body = the page's events. */
    public void fetchEventPage(Exchange exchange) throws Exception {
        account.fetchEventPage.process(exchange);
    }

    /** Events that cannot be delivered go to the dead letters of the instance's state folder. */
    public void setAsideBadEvents(Exchange exchange) throws Exception {
        account.setAsideBadEvents.process(exchange);
    }

    /** Headers haloEventCount, haloPage, haloCursor, haloAccount and the account's haloIndex, haloSource, haloSourcetype. */
    public void pageBatchHeaders(Exchange exchange) throws Exception {
        account.pageBatchHeaders.process(exchange);
    }

    /** Waits for room in the output, moves the poll window on; throws when an earlier page failed. */
    public void admitPage(Exchange exchange) throws Exception {
        account.admitPage.process(exchange);
    }

    /** The host's route returned: the page is committed (cursor and delivered ids). */
    public void commitPage(Exchange exchange) throws Exception {
        account.commitPages.process(exchange);
    }

    /** The host's route threw: the page is not committed, and the poll ends. */
    public void pageFailed(Exchange exchange) throws Exception {
        account.pageFailed.process(exchange);
    }

    /** The poll's last step: every page committed, or the failure thrown. */
    public void awaitPagesInFlight(Exchange exchange) throws Exception {
        account.awaitPagesInFlight.process(exchange);
    }

    /** A failed poll: its uncommitted ids are dropped (the next poll delivers them again), one line says why. */
    public void reportPollFailure(Exchange exchange) throws Exception {
        account.reportPollFailure.process(exchange);
    }

    @Override
    public boolean add(String id) {
        return account.delivered().add(id);
    }

    @Override
    public boolean contains(String id) {
        return account.delivered().contains(id);
    }

    @Override
    public boolean remove(String id) {
        return account.delivered().remove(id);
    }

    @Override
    public boolean confirm(String id) {
        return account.delivered().confirm(id);
    }

    @Override
    public void clear() {
        account.delivered().clear();
    }

    @Override
    public String toString() {
        return "AccountPoll[" + account.name() + "]";
    }
}
