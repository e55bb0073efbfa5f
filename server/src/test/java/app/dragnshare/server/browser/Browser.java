package app.dragnshare.server.browser;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * One headless Debian Chromium with its own fresh profile and download folder, driven by the
 * system's chromedriver. Nothing is downloaded: without Chromium installed the test fails and
 * says what to install.
 */
final class Browser implements AutoCloseable {
    static final Dimension DESKTOP = new Dimension(1280, 900);
    static final Dimension PHONE = new Dimension(390, 844);

    private final ChromeDriver driver;
    private final Path profile;
    private final Path downloads;

    private Browser(ChromeDriver driver, Path profile, Path downloads) {
        this.driver = driver;
        this.profile = profile;
        this.downloads = downloads;
    }

    static Browser start(Path downloads) {
        return start(downloads, DESKTOP);
    }

    static Browser start(Path downloads, Dimension window) {
        return start(downloads, window, new String[0]);
    }

    /** With extra Chromium switches, for tests that need an unusual browser. */
    static Browser start(Path downloads, Dimension window, String... extraArguments) {
        Path chromium = installed("CHROMIUM", "/usr/bin/chromium", "/usr/bin/chromium-browser");
        Path chromedriver = installed("CHROMEDRIVER", "/usr/bin/chromedriver");
        try {
            Files.createDirectories(downloads);
            Path profile = Files.createTempDirectory("dns-chromium-");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(chromium.toFile());
            // this machine reaches no outside network: no background fetches, no QUIC probes
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--disable-quic", "--disable-default-apps", "--password-store=basic",
                    "--user-data-dir=" + profile, "--window-size=" + window.width + "," + window.height);
            options.addArguments(extraArguments);
            // the console is read by tests: a CSP violation or an uncaught error shows up there
            options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
            options.setExperimentalOption("prefs", Map.of(
                    "download.default_directory", downloads.toString(),
                    "download.prompt_for_download", false,
                    "profile.default_content_setting_values.automatic_downloads", 1));
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(chromedriver.toFile())
                    .usingAnyFreePort()
                    .build();
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
            driver.executeCdpCommand("Browser.setDownloadBehavior",
                    Map.of("behavior", "allow", "downloadPath", downloads.toString()));
            return new Browser(driver, profile, downloads);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ChromeDriver driver() {
        return driver;
    }

    Path downloads() {
        return downloads;
    }

    void open(URI url) {
        driver.get(url.toString());
    }

    /** Bytes the page's JavaScript heap uses now (DevTools Performance.getMetrics, JSHeapUsedSize). */
    long jsHeapUsed() {
        driver.executeCdpCommand("Performance.enable", Map.of());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> metrics = (List<Map<String, Object>>) driver
                .executeCdpCommand("Performance.getMetrics", Map.of()).get("metrics");
        return metrics.stream()
                .filter(m -> "JSHeapUsedSize".equals(m.get("name")))
                .map(m -> ((Number) m.get("value")).longValue())
                .findFirst()
                .orElseThrow(() -> new AssertionError("Chromium reported no JSHeapUsedSize metric"));
    }

    /**
     * Resident memory of this Chromium and all its processes (renderers, the service worker, the
     * download writer), from /proc: JSHeapUsedSize alone would not see ArrayBuffers, which live
     * outside the JS heap.
     */
    long residentBytes() {
        String marker = "--user-data-dir=" + profile;
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false))
                .filter(p -> p.parent().map(parent -> !parent.info().commandLine().map(c -> c.contains(marker)).orElse(false))
                        .orElse(true))
                .flatMap(root -> java.util.stream.Stream.concat(java.util.stream.Stream.of(root), root.descendants()))
                .distinct()
                .mapToLong(Browser::residentBytes)
                .sum();
    }

    private static long residentBytes(ProcessHandle process) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // the process ended meanwhile
        }
        return 0;
    }

    /** Errors the page logged to the console since the last call (CSP violations, uncaught exceptions). */
    List<String> consoleErrors() {
        return driver.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue())
                .map(entry -> entry.getMessage())
                .toList();
    }

    void screenshot(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void resize(Dimension window) {
        driver.manage().window().setSize(window);
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            deleteQuietly(profile);
        }
    }

    private static Path installed(String variable, String... candidates) {
        Optional<Path> found = Optional.ofNullable(System.getenv(variable)).map(Path::of).filter(Files::isExecutable);
        for (String candidate : candidates) {
            if (found.isEmpty() && Files.isExecutable(Path.of(candidate))) {
                found = Optional.of(Path.of(candidate));
            }
        }
        if (found.isEmpty()) {
            fail("The browser tests need Chromium and its driver: install them with "
                    + "`apt-get install chromium chromium-driver` (Debian/Ubuntu; .ci/run does this), or set "
                    + variable + " to the executable. To build without the browser tests, run ./mvnw verify "
                    + "without -Pbrowser and without CI=true.");
        }
        return found.get();
    }

    private static void deleteQuietly(Path folder) {
        try (var paths = Files.walk(folder)) {
            paths.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException e) {
            // a temporary profile; the OS cleans /tmp
        }
    }
}
