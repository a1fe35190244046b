package io.haloconnector.http;

import io.haloconnector.config.DurationText;
import org.apache.camel.CamelContext;
import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.camel.spi.ShutdownStrategy;
import org.apache.camel.support.LifecycleStrategySupport;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.core5.concurrent.Cancellable;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.io.entity.HttpEntityWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Time limits on camel-http requests that hold whatever the server does. HttpClient's connect,
 * response and socket timeouts (camel-http's {@code connectTimeout}, {@code responseTimeout},
 * {@code soTimeout}) each bound one wait for a byte, so a server that trickles its answer, or sends
 * headers and then nothing but keeps the connection open, holds a request for ever; HttpClient has
 * no limit on a whole exchange. So each HttpClient built with {@link #limit} gets an exec interceptor
 * that cancels the request (HttpClient's own cancel, which closes its connection) when it is not
 * answered in full, last body byte included, within its timeout. The same registry aborts every
 * request still in flight once a stopping context has used half of its shutdown timeout: a stop
 * waits that long for an answer (a page or a HEC batch in flight is finished and committed), then
 * ends in time however the server behaves. One instance per context: {@link #of}.
 */
public final class RequestDeadlines {
    private static final Logger LOG = LoggerFactory.getLogger(RequestDeadlines.class);
    /** The registry name of a context's instance. */
    static final String BEAN = "requestDeadlines";
    static final String STOPPING = "aborted: the connector is stopping";

    private final Set<InFlight> inFlight = ConcurrentHashMap.newKeySet();
    private final List<Runnable> stopActions = new CopyOnWriteArrayList<>();
    private final ScheduledThreadPoolExecutor timer;
    private volatile boolean stopped;
    private volatile ScheduledFuture<?> stopAbort;

    RequestDeadlines() {
        timer = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "http-request-deadlines");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
        // no idle thread is left behind by a context that stopped
        timer.setKeepAliveTime(1, TimeUnit.SECONDS);
        timer.allowCoreThreadTimeOut(true);
    }

    /** The context's instance, made and bound at the first call, with its stop hook. */
    public static synchronized RequestDeadlines of(CamelContext context) {
        RequestDeadlines existing = context.getRegistry().lookupByNameAndType(BEAN, RequestDeadlines.class);
        if (existing != null) {
            return existing;
        }
        RequestDeadlines created = new RequestDeadlines();
        context.getRegistry().bind(BEAN, created);
        context.addLifecycleStrategy(new LifecycleStrategySupport() {
            @Override
            public void onContextStarted(CamelContext camelContext) {
                created.stopped = false;
            }

            @Override
            public void onContextStopping(CamelContext camelContext) {
                created.stopping(camelContext.getShutdownStrategy());
            }

            @Override
            public void onContextStopped(CamelContext camelContext) {
                created.cancelStopAbort();
            }
        });
        return created;
    }

    /**
     * A camel-http {@code httpClientConfigurer}: every request of a client it configures is cut off
     * when it has no complete answer within {@code timeout}, with a {@link RequestAbortedException}
     * that names {@code property}, the setting to change.
     */
    public Limit limit(Duration timeout, String property) {
        return new Limit(timeout, "no complete answer within " + DurationText.shortest(timeout) + " (" + property + ")");
    }

    /** The deadline of the requests of the clients it configures, which it can also abort all at once. */
    public final class Limit implements HttpClientConfigurer {
        private final Duration timeout;
        private final String limit;

        private Limit(Duration timeout, String limit) {
            this.timeout = timeout;
            this.limit = limit;
        }

        @Override
        public void configureHttpClient(org.apache.hc.client5.http.impl.classic.HttpClientBuilder builder) {
            builder.addExecInterceptorFirst("whole-request-timeout",
                    (request, scope, chain) -> execute(request, scope, chain, timeout, limit, this));
        }

        /** Aborts this limit's requests in flight now, each failing with {@code reason}: an output that closes ends its requests. */
        public void abort(String reason) {
            List.copyOf(inFlight).stream().filter(call -> call.owner == this).forEach(call -> call.abort(reason));
        }
    }

    /** Runs {@code action} when the stop aborts the requests in flight: an output's own waits end with them. */
    public void onStopAbort(Runnable action) {
        stopActions.add(action);
    }

    /** Requests in flight now (for tests). */
    int inFlight() {
        return inFlight.size();
    }

    private ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain,
                                        Duration timeout, String limit, Limit owner) throws IOException, HttpException {
        // the caller's request is the one HttpClient watches for a cancel (the chain gets a copy)
        Cancellable cancel = scope.originalRequest instanceof Cancellable c ? c : (Cancellable) scope.execRuntime;
        InFlight call = new InFlight(cancel, limit, owner);
        if (!start(call, timeout)) {
            throw new RequestAbortedException(STOPPING, null);
        }
        try {
            ClassicHttpResponse response = chain.proceed(request, scope);
            HttpEntity body = response.getEntity();
            if (body == null) {
                call.done();
            } else {
                response.setEntity(new LimitedEntity(body, call));
            }
            return response;
        } catch (IOException e) {
            call.done();
            throw call.explain(e);
        } catch (HttpException | RuntimeException e) {
            call.done();
            String reason = call.abortedWith;
            if (reason != null) {
                // a cancel that lands while HttpClient takes a connection can surface as its state error
                throw new RequestAbortedException(reason, e);
            }
            throw e;
        }
    }

    /** Registers the request and its deadline; false when the stop has aborted everything already. */
    private boolean start(InFlight call, Duration timeout) {
        inFlight.add(call);
        if (stopped) {
            inFlight.remove(call);
            return false;
        }
        call.deadline = timer.schedule(() -> call.abort(call.limit), timeout.toNanos(), TimeUnit.NANOSECONDS);
        return true;
    }

    private void stopping(ShutdownStrategy shutdown) {
        long graceMillis = shutdown.getTimeUnit().toMillis(shutdown.getTimeout()) / 2;
        stopAbort = timer.schedule(() -> abortAll(graceMillis), graceMillis, TimeUnit.MILLISECONDS);
    }

    private void cancelStopAbort() {
        ScheduledFuture<?> scheduled = stopAbort;
        if (scheduled != null) {
            scheduled.cancel(false);
        }
    }

    private void abortAll(long afterMillis) {
        stopped = true;
        // the outputs' waits first, so that none of them starts a request again after the abort
        stopActions.forEach(Runnable::run);
        List<InFlight> calls = List.copyOf(inFlight);
        if (!calls.isEmpty()) {
            LOG.info("Stopping: aborting {} requests still unanswered {} ms after the stop began (half of the shutdown timeout)",
                    calls.size(), afterMillis);
        }
        calls.forEach(call -> call.abort(STOPPING));
    }

    /** One request between its start and the end of its answer. */
    private final class InFlight {
        private final Cancellable cancel;
        private final String limit;
        private final Limit owner;
        private volatile ScheduledFuture<?> deadline;
        private volatile String abortedWith;

        InFlight(Cancellable cancel, String limit, Limit owner) {
            this.cancel = cancel;
            this.limit = limit;
            this.owner = owner;
        }

        void abort(String reason) {
            if (abortedWith == null) {
                abortedWith = reason;
            }
            cancel.cancel();
        }

        void done() {
            inFlight.remove(this);
            ScheduledFuture<?> scheduled = deadline;
            if (scheduled != null) {
                scheduled.cancel(false);
            }
        }

        /** The failure as the caller sees it: an abort says why, whatever socket error it caused. */
        IOException explain(IOException e) {
            if (e instanceof RequestAbortedException) {
                return e;
            }
            String reason = abortedWith;
            if (reason != null) {
                return new RequestAbortedException(reason, e);
            }
            // HttpClient's read timeout comes from the same setting: one message for both
            return e instanceof SocketTimeoutException ? new RequestAbortedException(limit, e) : e;
        }
    }

    /** The answer's body: the request ends when it is read to its end or closed; a read cut off says why. */
    private static final class LimitedEntity extends HttpEntityWrapper {
        private final InFlight call;

        LimitedEntity(HttpEntity body, InFlight call) {
            super(body);
            this.call = call;
        }

        @Override
        public InputStream getContent() throws IOException {
            try {
                InputStream content = super.getContent();
                return content == null ? null : new LimitedStream(content, call);
            } catch (IOException e) {
                throw call.explain(e);
            }
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            // through getContent, so that the limit also covers a body written out whole
            try (InputStream content = getContent()) {
                if (content != null) {
                    content.transferTo(out);
                }
            }
        }

        @Override
        public void close() throws IOException {
            try {
                super.close();
            } catch (IOException e) {
                throw call.explain(e);
            } finally {
                call.done();
            }
        }
    }

    private static final class LimitedStream extends FilterInputStream {
        private final InFlight call;

        LimitedStream(InputStream in, InFlight call) {
            super(in);
            this.call = call;
        }

        @Override
        public int read() throws IOException {
            try {
                int b = super.read();
                if (b < 0) {
                    call.done();
                }
                return b;
            } catch (IOException e) {
                throw call.explain(e);
            }
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            try {
                int n = super.read(buffer, offset, length);
                if (n < 0) {
                    call.done();
                }
                return n;
            } catch (IOException e) {
                throw call.explain(e);
            }
        }

        @Override
        public long skip(long n) throws IOException {
            try {
                return super.skip(n);
            } catch (IOException e) {
                throw call.explain(e);
            }
        }

        @Override
        public void close() throws IOException {
            // closing reads what is left of the body (to reuse the connection): still within the limit
            try {
                super.close();
            } catch (IOException e) {
                throw call.explain(e);
            } finally {
                call.done();
            }
        }
    }
}
