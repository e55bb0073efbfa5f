package app.dragnshare.benchmarks.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The system's headless Chromium driven by its chromedriver, as the server's browser tests drive
 * it (same switches, a fresh profile, downloads allowed into a folder): the page is used as a
 * person uses it, files picked through its file input (no dialog), downloads saved by the page's
 * service worker into {@link #downloads()}. Also reads what the browser costs: CPU and resident
 * memory of every Chromium process from /proc, and the page's JS heap through DevTools.
 */
public final class PageBrowser implements AutoCloseable {
    private static final Duration UI_WAIT = Duration.ofSeconds(30);

    private final ChromeDriver driver;
    private final Path profile;
    private final Path downloads;

    private PageBrowser(ChromeDriver driver, Path profile, Path downloads) {
        this.driver = driver;
        this.profile = profile;
        this.downloads = downloads;
    }

    public static PageBrowser start(Path downloads) throws IOException {
        Path chromium = installed(System.getenv("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser");
        Path chromedriver = installed(System.getenv("CHROMEDRIVER"), "/usr/bin/chromedriver");
        Files.createDirectories(downloads);
        Path profile = Files.createTempDirectory("dns-bench-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-quic", "--disable-default-apps", "--password-store=basic",
                "--user-data-dir=" + profile, "--window-size=1280,900");
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
        driver.executeCdpCommand("Performance.enable", Map.of());
        return new PageBrowser(driver, profile, downloads);
    }

    public ChromeDriver driver() {
        return driver;
    }

    public Path downloads() {
        return downloads;
    }

    /** Opens the start page, picks the files and returns the invite link of the session that shares them. */
    public String share(URI server, Path... files) {
        driver.get(server.resolve("/").toString());
        waitUntil("the start page", () -> driver.findElement(By.id("start-view")).isDisplayed());
        driver.findElement(By.id("file-input")).sendKeys(String.join("\n",
                Stream.of(files).map(f -> f.toAbsolutePath().toString()).toList()));
        waitForFiles(files.length);
        waitUntil("the invite link", () -> !inviteLink().isEmpty());
        return inviteLink();
    }

    /** Opens an invite link and waits until its one file is listed with its owner online. */
    public void join(String link) {
        driver.get(link);
        waitUntil("the session to open", () -> driver.findElement(By.id("room-view")).isDisplayed());
        waitForFiles(1);
    }

    /** Opens an invite link and waits until the page shows {@code text} (a folder's "1000 files ·", say). */
    public void join(String link, String text) {
        driver.get(link);
        waitUntil("the page to say " + text, () -> driver.findElement(By.id("room-view")).isDisplayed()
                && driver.findElement(By.id("file-list")).getText().contains(text));
    }

    /** Clicks the button whose accessible name (aria-label) is {@code label}. */
    public void clickButton(String label) {
        driver.findElement(By.xpath("//button[@aria-label='" + label + "']")).click();
    }

    /** Clicks "Download all". */
    public void clickDownloadAll() {
        waitUntil("Download all to be enabled", () -> driver.findElement(By.id("download-all")).isEnabled());
        driver.findElement(By.id("download-all")).click();
    }

    /** The session's name as the page shows it (a zip of all its files is named after it). */
    public String sessionName() {
        return driver.findElement(By.id("session-name")).getText();
    }

    /** True once the browser saved {@code name} whole: there, and no download still being written. */
    public boolean saved(String name) {
        try (Stream<Path> files = Files.list(downloads)) {
            return Files.exists(downloads.resolve(name)) && files.noneMatch(f -> f.toString().endsWith(".crdownload"));
        } catch (IOException e) {
            return false;
        }
    }

    public void clickDownload(String name) {
        driver.findElement(By.xpath("//button[@aria-label='Download " + name + "']")).click();
    }

    /** True once the browser saved {@code name} with all its bytes (Chrome renames the .crdownload at the end). */
    public boolean downloaded(String name, long size) {
        Path file = downloads.resolve(name);
        try {
            return Files.exists(file) && Files.size(file) == size;
        } catch (IOException e) {
            return false;
        }
    }

    /** The transfers the page lists, for error messages. */
    public String transfersText() {
        try {
            return driver.findElement(By.id("transfer-list")).getText().replace('\n', ' ');
        } catch (RuntimeException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** Bytes the page's JavaScript heap uses now (DevTools Performance.getMetrics, JSHeapUsedSize). */
    public long jsHeapUsed() {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> metrics = (List<Map<String, Object>>) driver
                .executeCdpCommand("Performance.getMetrics", Map.of()).get("metrics");
        return metrics.stream()
                .filter(m -> "JSHeapUsedSize".equals(m.get("name")))
                .map(m -> ((Number) m.get("value")).longValue())
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("Chromium reported no JSHeapUsedSize metric"));
    }

    /** This Chromium's processes now: the browser process and every child (renderers, network service, …). */
    public List<ChromiumProcess> processes() {
        String marker = "--user-data-dir=" + profile;
        return ProcessHandle.allProcesses()
                .filter(p -> commandLine(p).contains(marker))
                .filter(p -> p.parent().map(parent -> !commandLine(parent).contains(marker)).orElse(true))
                .flatMap(root -> Stream.concat(Stream.of(root), root.descendants()))
                .distinct()
                .map(p -> new ChromiumProcess(p, kind(commandLine(p))))
                .toList();
    }

    /** One Chromium process and what it does: browser, renderer, network, storage, gpu, zygote, … */
    public record ChromiumProcess(ProcessHandle handle, String kind) {
        public long residentBytes() {
            return ProcStatus.of(handle.pid()).rssBytes();
        }
    }

    private static String kind(String commandLine) {
        if (!commandLine.contains("--type=")) {
            return "browser";
        }
        if (commandLine.contains("NetworkService")) {
            return "network";
        }
        if (commandLine.contains("StorageService")) {
            return "storage";
        }
        String type = commandLine.replaceAll(".*--type=([a-z-]+).*", "$1");
        return type.equals("gpu-process") ? "gpu" : type;
    }

    /** From /proc: Chromium rewrites its children's titles, and Java then reports no command line for them. */
    private static String commandLine(ProcessHandle p) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline")).replace('\0', ' ');
        } catch (IOException | UncheckedIOException e) {
            return "";
        }
    }

    /**
     * The page's main thread profile (DevTools Profiler) while {@code body} runs, as self time per
     * function, most first; WebCrypto and the network run on other threads and are not in it.
     */
    public Map<String, Double> profile(Runnable body) {
        driver.executeCdpCommand("Profiler.enable", Map.of());
        driver.executeCdpCommand("Profiler.setSamplingInterval", Map.of("interval", 200));
        driver.executeCdpCommand("Profiler.start", Map.of());
        body.run();
        @SuppressWarnings("unchecked")
        Map<String, Object> profile = (Map<String, Object>) driver.executeCdpCommand("Profiler.stop", Map.of()).get("profile");
        driver.executeCdpCommand("Profiler.disable", Map.of());
        return PageProfile.selfMillis(profile);
    }

    private void waitForFiles(int count) {
        waitUntil(count + " files listed", () -> {
            List<WebElement> rows = driver.findElements(By.cssSelector("#file-list .file"));
            return rows.size() == count && rows.stream().allMatch(r -> r.findElements(By.cssSelector(".dot.online")).size() == 1);
        });
    }

    private String inviteLink() {
        return driver.findElement(By.id("invite-link")).getDomProperty("value");
    }

    private void waitUntil(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + UI_WAIT.toNanos();
        while (true) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (org.openqa.selenium.NoSuchElementException | org.openqa.selenium.StaleElementReferenceException e) {
                // not there yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("waited " + UI_WAIT.toSeconds() + " s for " + what + "; the page shows:\n"
                        + driver.findElement(By.tagName("body")).getText());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + what);
            }
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a temporary profile; the OS cleans /tmp
            }
        }
    }

    private static Path installed(String given, String... candidates) {
        if (given != null && Files.isExecutable(Path.of(given))) {
            return Path.of(given);
        }
        for (String candidate : candidates) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        throw new UncheckedIOException(new IOException("the page benchmark needs Chromium and chromedriver: "
                + "apt-get install chromium chromium-driver, or set CHROMIUM / CHROMEDRIVER"));
    }
}
