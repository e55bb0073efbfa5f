package app.dragnshare.server.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * axe-core (vendored under src/test/resources/axe, pinned by its SHA-256) run inside a page of the
 * tests' Chromium: WCAG 2.0–2.2 A and AA rules plus axe's best practices, on what the page shows now.
 */
final class Axe {
    private static final String SHA_256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c";
    private static final String SOURCE = load();
    /** Impacts that fail a test; "minor" and "moderate" findings are reported by axe but not held against a view. */
    private static final List<String> FAILING = List.of("serious", "critical");

    private Axe() {
    }

    /** Fails when axe finds a serious or critical violation in the page as it is now; {@code view} names it in the message. */
    static void assertNoSeriousViolations(Browser browser, String view) {
        List<String> violations = seriousViolations(browser);
        assertEquals(List.of(), violations, "axe-core found serious or critical violations in " + view);
    }

    /** "rule (impact): help — selectors" for each serious or critical violation. */
    @SuppressWarnings("unchecked")
    static List<String> seriousViolations(Browser browser) {
        // WebDriver runs scripts outside the page's Content-Security-Policy, so axe needs no exception in it
        browser.driver().executeScript(SOURCE);
        Object result = browser.driver().executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                axe.run(document, {
                  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
                  resultTypes: ['violations'],
                }).then((r) => done(r.violations.map((v) => ({
                  id: v.id, impact: v.impact, help: v.help,
                  targets: v.nodes.map((n) => n.target.join(' ') + (n.failureSummary ? ' [' + n.failureSummary.replace(/\\s+/g, ' ') + ']' : '')),
                }))), (e) => done([{ id: 'axe-error', impact: 'critical', help: String(e), targets: [] }]));
                """);
        return ((List<Map<String, Object>>) result).stream()
                .filter(v -> FAILING.contains(v.get("impact")))
                .map(v -> v.get("id") + " (" + v.get("impact") + "): " + v.get("help") + " — " + v.get("targets"))
                .toList();
    }

    private static String load() {
        try (InputStream in = Axe.class.getResourceAsStream("/axe/axe.min.js")) {
            if (in == null) {
                throw new IllegalStateException("src/test/resources/axe/axe.min.js is missing");
            }
            byte[] bytes = in.readAllBytes();
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            if (!sha.equals(SHA_256)) {
                throw new IllegalStateException("axe.min.js is not the pinned axe-core 4.14.1 (SHA-256 " + sha
                        + "); see src/test/resources/axe/README.md");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
