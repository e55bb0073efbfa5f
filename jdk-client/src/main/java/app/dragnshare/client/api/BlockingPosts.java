package app.dragnshare.client.api;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocketFactory;

/**
 * The two POSTs a receiver makes for every file — the download request, whose answer is the
 * file's event stream, and the report with its receipt — on the JDK's blocking
 * {@link HttpURLConnection}: each is one thread writing and reading its socket, where the JDK's
 * asynchronous HttpClient hands every step between its selector and pool threads. Measured in
 * ManyFiles (1,000 small files, receive alternated, one warm server): 4.5 instead of 6.1 CPU s
 * for the receiving CLI, 5.4 instead of 6.6 s. The rest of {@link ServerApi}, and the sharer's
 * WebSocket, stay on HttpClient. Same rules as there: the default proxy selector, no
 * redirects, the same trust (the endpoint's name is checked in the TLS handshake unless a
 * fingerprint is pinned), the same failures.
 */
final class BlockingPosts {
    static {
        // the JDK keeps 5 idle connections per server; downloads at once (6) and the reports' thread need one each
        if (System.getProperty("http.maxConnections") == null) {
            System.setProperty("http.maxConnections", "8");
        }
    }

    private final ServerApi api;
    private final SSLSocketFactory tls;

    BlockingPosts(ServerApi api, SSLContext context) {
        this.api = api;
        this.tls = context.getSocketFactory();
    }

    /** POSTs {@code json} and returns the event stream of a 200, or throws the server's error. */
    EventStream stream(String path, String token, String json, Duration silence, int maxLine)
            throws ApiException, UnreachableException {
        HttpURLConnection connection = post(path, token, json, "text/event-stream", silence);
        try {
            int status = connection.getResponseCode();
            if (status != 200) {
                String text = body(connection, status, 64 * 1024);
                connection.disconnect();
                throw ServerApi.error(status, text);
            }
            // read to its end (a short stream's last HTTP chunk), the connection serves the next request;
            // closed early (also from the watchdog's thread, while a read blocks), it is closed for good
            return new EventStream(new FilterInputStream(connection.getInputStream()) {
                private volatile boolean ended;

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    ended |= n < 0;
                    return n;
                }

                @Override
                public void close() throws IOException {
                    if (ended) {
                        super.close();
                    } else {
                        connection.disconnect();
                    }
                }
            }, maxLine);
        } catch (IOException e) {
            connection.disconnect();
            throw failure(e);
        }
    }

    /** POSTs {@code json} and expects {@code expected} (its body, if any, is read and dropped). */
    void send(String path, String token, String json, int expected, Duration timeout) throws ApiException, UnreachableException {
        HttpURLConnection connection = post(path, token, json, null, timeout);
        try {
            int status = connection.getResponseCode();
            String text = body(connection, status, Integer.MAX_VALUE); // read whole, so the connection is kept
            if (status != expected) {
                throw ServerApi.error(status, text);
            }
        } catch (IOException e) {
            connection.disconnect();
            throw failure(e);
        }
    }

    private HttpURLConnection post(String path, String token, String json, String accept, Duration readTimeout)
            throws UnreachableException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        HttpURLConnection connection = null;
        try {
            // through the default ProxySelector, as HttpClient goes
            connection = (HttpURLConnection) URI.create(api.server() + path).toURL().openConnection();
            if (connection instanceof HttpsURLConnection https) {
                https.setSSLSocketFactory(tls);
            }
            connection.setRequestMethod("POST");
            connection.setInstanceFollowRedirects(false);
            connection.setConnectTimeout(10_000);
            connection.setReadTimeout((int) readTimeout.toMillis());
            connection.setRequestProperty("Authorization", "Bearer " + token);
            connection.setRequestProperty("Content-Type", "application/json");
            connection.setRequestProperty("Accept", accept == null ? "application/json" : accept);
            connection.setDoOutput(true);
            connection.setFixedLengthStreamingMode(bytes.length); // also means a failed POST is never silently sent again
            try (OutputStream out = connection.getOutputStream()) {
                out.write(bytes);
            }
            return connection;
        } catch (IOException e) {
            if (connection != null) {
                connection.disconnect();
            }
            throw failure(e);
        }
    }

    private static String body(HttpURLConnection connection, int status, int limit) throws IOException {
        try (InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
            return in == null ? "" : new String(in.readNBytes(limit), StandardCharsets.UTF_8);
        }
    }

    /** As ServerApi says it for HttpClient's failures. */
    private UnreachableException failure(IOException e) {
        String server = api.server().toString();
        if (e instanceof SSLHandshakeException) {
            return api.untrustedOr(e, "cannot talk to the server at " + server + " over HTTPS (" + ServerApi.describe(e) + ")");
        }
        if (e instanceof ConnectException || e instanceof UnknownHostException
                || e instanceof SocketTimeoutException && "Connect timed out".equalsIgnoreCase(e.getMessage())) {
            return new UnreachableException("cannot reach the server at " + server + " (" + ServerApi.describe(e) + ")", e);
        }
        if (e instanceof SocketTimeoutException) {
            return new UnreachableException("the server at " + server + " did not answer in time", e);
        }
        return api.untrustedOr(e, "lost the connection to " + server + " (" + ServerApi.describe(e) + ")");
    }
}
