package app.dragnshare.benchmarks.harness;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * One reading of the server's /observe/metrics (Prometheus text format): the dns_* meters and the
 * JVM's own (heap, threads, GC). Keys are the series as printed, labels included; the scope
 * label that Helidon adds to every series is dropped, so {@code memory_usedHeap_bytes} and
 * {@code dns_transfers_failed_total{cause="stalled"}} are keys.
 */
public record MetricsReading(Map<String, Double> series) {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public static MetricsReading read(URI server) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(server.resolve("/observe/metrics"))
                .timeout(Duration.ofSeconds(10)).header("Accept", "text/plain").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("/observe/metrics answered " + response.statusCode());
        }
        Map<String, Double> series = new HashMap<>();
        for (String line : response.body().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            String name = line.substring(0, space).replaceAll("scope=\"[^\"]*\",?", "").replace(",}", "}").replace("{}", "");
            series.put(name, Double.parseDouble(line.substring(space + 1)));
        }
        return new MetricsReading(series);
    }

    /** A series' value, or NaN when the server does not report it. */
    public double value(String name) {
        return series.getOrDefault(name, Double.NaN);
    }

    /** The sum over every series of a name, whatever its labels (e.g. all causes of failed transfers). */
    public double sum(String name) {
        return series.entrySet().stream()
                .filter(e -> e.getKey().equals(name) || e.getKey().startsWith(name + "{"))
                .mapToDouble(Map.Entry::getValue).sum();
    }
}
