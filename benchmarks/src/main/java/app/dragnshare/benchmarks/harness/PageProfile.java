package app.dragnshare.benchmarks.harness;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads a DevTools CPU profile (Profiler.stop's "profile"): self time per function. */
final class PageProfile {
    private PageProfile() {
    }

    /** Milliseconds of self time per "function (file:line)", most first. */
    @SuppressWarnings("unchecked")
    static Map<String, Double> selfMillis(Map<String, Object> profile) {
        Map<Long, String> names = new HashMap<>();
        for (Map<String, Object> node : (List<Map<String, Object>>) profile.get("nodes")) {
            Map<String, Object> frame = (Map<String, Object>) node.get("callFrame");
            String function = String.valueOf(frame.get("functionName"));
            String url = String.valueOf(frame.get("url"));
            String file = url.isEmpty() ? "" : " (" + url.substring(url.lastIndexOf('/') + 1) + ":"
                    + (((Number) frame.get("lineNumber")).intValue() + 1) + ")";
            names.put(((Number) node.get("id")).longValue(), (function.isEmpty() ? "(anonymous)" : function) + file);
        }
        List<Number> samples = (List<Number>) profile.get("samples");
        List<Number> deltas = (List<Number>) profile.get("timeDeltas");
        Map<String, Double> self = new HashMap<>();
        for (int i = 0; i + 1 < samples.size(); i++) {
            // a sample's time runs until the next sample
            self.merge(names.get(samples.get(i).longValue()), deltas.get(i + 1).doubleValue() / 1000, Double::sum);
        }
        Map<String, Double> sorted = new LinkedHashMap<>();
        self.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }
}
