package app.dragnshare.benchmarks;

import static app.dragnshare.benchmarks.harness.Stats.format;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;

import app.dragnshare.benchmarks.jmh.ColdChunkCipherBenchmark;
import app.dragnshare.benchmarks.jmh.WebSocketIntakeBenchmark;

/**
 * Turns JMH's JSON results ({@code -rf json -rff FILE}) into the Markdown table of
 * benchmarks/README.md, with the score also as MB/s of chunk data (10^6 bytes per second), so
 * the chunk sizes compare directly.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar app.dragnshare.benchmarks.JmhTable results.json</pre>
 */
public final class JmhTable {
    private JmhTable() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: JmhTable results.json");
            System.exit(2);
        }
        JsonArray results;
        try (Reader in = Files.newBufferedReader(Path.of(args[0])); JsonReader json = Json.createReader(in)) {
            results = json.readArray();
        }
        System.out.println("| benchmark | parameters | score | ± (99.9%) | unit | MB/s of chunk data |");
        System.out.println("|---|---|---:|---:|---|---:|");
        for (JsonValue value : results) {
            JsonObject result = value.asJsonObject();
            String benchmark = result.getString("benchmark").replaceAll(".*\\.jmh\\.", "");
            JsonObject params = result.containsKey("params") ? result.getJsonObject("params") : JsonValue.EMPTY_JSON_OBJECT;
            JsonObject primary = result.getJsonObject("primaryMetric");
            double score = primary.getJsonNumber("score").doubleValue();
            JsonValue error = primary.get("scoreError");
            String unit = primary.getString("scoreUnit");
            StringBuilder shown = new StringBuilder();
            params.forEach((k, v) -> shown.append(shown.isEmpty() ? "" : ", ").append(k).append('=')
                    .append(((jakarta.json.JsonString) v).getString()));
            System.out.println(format("| %s | %s | %.1f | %s | %s | %s |", benchmark, shown, score,
                    error.getValueType() == JsonValue.ValueType.NUMBER && !Double.isNaN(((jakarta.json.JsonNumber) error).doubleValue())
                            ? format("%.1f", ((jakarta.json.JsonNumber) error).doubleValue()) : "",
                    unit, megabytes(benchmark, params, score, unit)));
        }
    }

    /** Chunk bytes per second: every score here counts chunks (or, for the cold shot, the ms for its MiB). */
    private static String megabytes(String benchmark, JsonObject params, double score, String unit) {
        long chunk = params.containsKey("chunkSize") ? Long.parseLong(params.getString("chunkSize"))
                : benchmark.startsWith("WebSocketIntake") ? WebSocketIntakeBenchmark.CHUNK : 0;
        if (unit.equals("ops/s") && chunk > 0) {
            return format("%.0f", score * chunk / 1e6);
        }
        if (unit.equals("ms/op") && benchmark.startsWith("ColdChunkCipher")) {
            return format("%.0f (seal + open)", ((long) ColdChunkCipherBenchmark.MIB << 20) / 1e6 / (score / 1000));
        }
        return "";
    }
}
